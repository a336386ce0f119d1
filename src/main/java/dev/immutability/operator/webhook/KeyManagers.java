package dev.immutability.operator.webhook;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** Key managers from in-memory keys or PEM files, and TLS contexts around them. */
final class KeyManagers {
  private KeyManagers() {}

  static X509ExtendedKeyManager of(PrivateKey key, X509Certificate[] chain) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = new char[0];
      store.setKeyEntry("serving", key, password, chain);
      KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, password);
      for (KeyManager manager : factory.getKeyManagers()) {
        if (manager instanceof X509ExtendedKeyManager x509) {
          return x509;
        }
      }
      throw new IllegalStateException("no X509 key manager available");
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a key manager", e);
    }
  }

  /** tls.crt (the chain, leaf first) and tls.key (PKCS#1, PKCS#8 or EC) as cert-manager writes them. */
  static X509ExtendedKeyManager fromPem(Path certificate, Path key) throws IOException {
    try (Reader chain = Files.newBufferedReader(certificate); Reader privateKey = Files.newBufferedReader(key)) {
      return fromPem(chain, privateKey, certificate + " and " + key);
    }
  }

  /** The same from PEM text, e.g. the data of a Secret. */
  static X509ExtendedKeyManager fromPem(String certificate, String key) throws IOException {
    return fromPem(new StringReader(certificate), new StringReader(key), "PEM text");
  }

  private static X509ExtendedKeyManager fromPem(Reader certificate, Reader key, String source) throws IOException {
    List<X509Certificate> chain = readCertificates(certificate, source);
    if (chain.isEmpty()) {
      throw new IOException("no certificate in " + source);
    }
    PrivateKey privateKey;
    try (PEMParser parser = new PEMParser(key)) {
      Object item = parser.readObject();
      JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
      if (item instanceof PEMKeyPair pair) {
        privateKey = keys.getPrivateKey(pair.getPrivateKeyInfo());
      } else if (item instanceof PrivateKeyInfo info) {
        privateKey = keys.getPrivateKey(info);
      } else {
        throw new IOException("no private key in " + source);
      }
    }
    return of(privateKey, chain.toArray(X509Certificate[]::new));
  }

  /** Every certificate in PEM text, in order. */
  static List<X509Certificate> readCertificates(Reader pem, String source) throws IOException {
    List<X509Certificate> certificates = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(pem)) {
      for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
        if (item instanceof X509CertificateHolder holder) {
          certificates.add(converter.getCertificate(holder));
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("unreadable certificate in " + source, e);
    }
    return certificates;
  }

  static SSLContext sslContext(KeyManager keyManager) {
    return sslContext(keyManager, null);
  }

  /** @param trustManagers for client certificates; null for the platform's defaults */
  static SSLContext sslContext(KeyManager keyManager, TrustManager[] trustManagers) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {keyManager}, trustManagers, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a TLS context", e);
    }
  }
}
