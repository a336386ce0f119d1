package dev.immutability.operator.webhook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's serving certificate: made and rotated by the operator (self-managed), or read from files that
 * cert-manager keeps fresh. {@link #refresh()} is called periodically; a new certificate is served at once.
 */
final class WebhookTls {
  private static final Logger log = LoggerFactory.getLogger(WebhookTls.class);

  private final RotatingKeyManager keyManager;
  private final Refresher refresher;

  private interface Refresher {
    void refresh(RotatingKeyManager keyManager);
  }

  private WebhookTls(RotatingKeyManager keyManager, Refresher refresher) {
    this.keyManager = keyManager;
    this.refresher = refresher;
  }

  /**
   * A private CA and serving certificate, reissued when less than {@code renewBefore} of their validity is left.
   * {@code caBundleChanged} receives the PEM to trust: the new CA and, while older certificates may still be
   * served, the previous one.
   */
  static WebhookTls selfManaged(List<String> hosts, Duration validity, Duration renewBefore,
      Consumer<String> caBundleChanged, Clock clock) {
    SelfManagedCertificates first = SelfManagedCertificates.issue(hosts, validity);
    caBundleChanged.accept(first.caBundlePem());
    SelfManagedCertificates[] current = {first};
    return new WebhookTls(new RotatingKeyManager(first.keyManager()), keyManager -> {
      if (clock.instant().isBefore(current[0].notAfter().minus(renewBefore))) {
        return;
      }
      SelfManagedCertificates next = SelfManagedCertificates.issue(hosts, validity);
      // Trust both CAs first, then serve the new certificate: no request fails in between.
      caBundleChanged.accept(next.caBundlePem() + current[0].caBundlePem());
      keyManager.replace(next.keyManager());
      current[0] = next;
      log.info("webhook certificate rotated; valid until {}", next.notAfter());
    });
  }

  /**
   * The identity all replicas share through a Secret (see {@link SharedCertificates}): each refresh publishes the
   * bundle to trust first, then serves the certificate the Secret names.
   */
  static WebhookTls shared(SharedCertificates store, Consumer<String> caBundleChanged) {
    SharedCertificates.Material first = store.sync();
    caBundleChanged.accept(first.caBundlePem());
    SharedCertificates.Material[] current = {first};
    return new WebhookTls(new RotatingKeyManager(keyManagerOf(first)), keyManager -> {
      SharedCertificates.Material next = store.sync();
      if (!next.caBundlePem().equals(current[0].caBundlePem())) {
        caBundleChanged.accept(next.caBundlePem());
      }
      if (!next.chainPem().equals(current[0].chainPem())) {
        keyManager.replace(keyManagerOf(next));
        log.info("serving the shared webhook certificate, valid until {}", SharedCertificates.notAfter(next.chainPem()));
      }
      current[0] = next;
    });
  }

  private static X509ExtendedKeyManager keyManagerOf(SharedCertificates.Material material) {
    try {
      return KeyManagers.fromPem(material.chainPem(), material.keyPem());
    } catch (IOException e) {
      throw new UncheckedIOException("the shared webhook certificate is unreadable", e);
    }
  }

  /** tls.crt and tls.key in {@code directory}, reloaded whenever their modification time changes. */
  static WebhookTls fromFiles(Path directory) {
    Path certificate = directory.resolve("tls.crt");
    Path key = directory.resolve("tls.key");
    FileTime[] loaded = {modified(certificate)};
    try {
      return new WebhookTls(new RotatingKeyManager(KeyManagers.fromPem(certificate, key)), keyManager -> {
        FileTime now = modified(certificate);
        if (now.equals(loaded[0])) {
          return;
        }
        try {
          keyManager.replace(KeyManagers.fromPem(certificate, key));
          loaded[0] = now;
          log.info("webhook certificate reloaded from {}", directory);
        } catch (IOException e) {
          log.warn("keeping the current webhook certificate: {}", e.getMessage());
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the webhook certificate from " + directory, e);
    }
  }

  /** A context that serves the current certificate, whenever it rotates, and trusts client certificates as given. */
  SSLContext sslContext(ClientAuthentication clients) {
    return KeyManagers.sslContext(keyManager, clients.trustManagers());
  }

  /** The certificate served now. */
  X509Certificate servingCertificate() {
    return keyManager.getCertificateChain("serving")[0];
  }

  void refresh() {
    refresher.refresh(keyManager);
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.from(Instant.EPOCH);
    }
  }
}
