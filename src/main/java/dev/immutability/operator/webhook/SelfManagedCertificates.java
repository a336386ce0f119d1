package dev.immutability.operator.webhook;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemGenerationException;

/**
 * A private CA and a serving certificate signed by it, made in memory: the webhook serves with the certificate
 * and the CA goes into the webhook configuration's caBundle, so the API server trusts nothing else.
 */
public final class SelfManagedCertificates {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate caCertificate;
  private final X509Certificate servingCertificate;
  private final KeyPair servingKey;

  private SelfManagedCertificates(X509Certificate ca, X509Certificate serving, KeyPair servingKey) {
    this.caCertificate = ca;
    this.servingCertificate = serving;
    this.servingKey = servingKey;
  }

  /**
   * @param hosts DNS names or IP addresses the serving certificate is valid for
   * @param validity how long both certificates are valid
   */
  public static SelfManagedCertificates issue(List<String> hosts, Duration validity) {
    try {
      Instant now = Instant.now();
      KeyPair caKey = newKeyPair();
      X500Name caName = new X500Name("CN=immutability-operator-ca");
      X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, serial(),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), caName, caKey.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate caCert = sign(ca, caKey);

      KeyPair servingKey = newKeyPair();
      List<GeneralName> names = new ArrayList<>();
      for (String host : hosts) {
        boolean ip = host.matches("[0-9.]+") || host.contains(":");
        names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host));
      }
      X509v3CertificateBuilder serving = new JcaX509v3CertificateBuilder(caName, serial(),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)),
          new X500Name("CN=" + hosts.get(0)), servingKey.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
      return new SelfManagedCertificates(caCert, sign(serving, caKey), servingKey);
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue webhook certificates", e);
    }
  }

  public SSLContext sslContext() {
    return KeyManagers.sslContext(keyManager());
  }

  public X509ExtendedKeyManager keyManager() {
    return KeyManagers.of(servingKey.getPrivate(), new X509Certificate[] {servingCertificate, caCertificate});
  }

  /** The CA certificate in PEM, as the caBundle of a webhook configuration wants it (before base64). */
  public String caBundlePem() {
    return pem(caCertificate);
  }

  /** The serving certificate and its CA in PEM, leaf first, as tls.crt holds them. */
  String servingChainPem() {
    return pem(servingCertificate, caCertificate);
  }

  /** The serving key in PEM (PKCS#8), as tls.key holds it. */
  String servingKeyPem() {
    try {
      return pem(new JcaPKCS8Generator(servingKey.getPrivate(), null));
    } catch (PemGenerationException e) {
      throw new IllegalStateException("cannot encode the webhook key", e);
    }
  }

  private static String pem(Object... objects) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      for (Object object : objects) {
        writer.writeObject(object);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  public Instant notAfter() {
    return servingCertificate.getNotAfter().toInstant();
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256, RANDOM);
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(64, RANDOM);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
  }
}
