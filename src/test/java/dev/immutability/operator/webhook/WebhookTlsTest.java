package dev.immutability.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.testing.SettableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookTlsTest {

  private static X509Certificate served(WebhookTls tls) {
    return tls.servingCertificate();
  }

  @Test
  void theSelfManagedCertificateIsRotatedBeforeItExpiresAndBothCasAreTrustedMeanwhile() throws Exception {
    SettableClock clock = new SettableClock(Instant.now());
    List<String> bundles = new ArrayList<>();
    WebhookTls tls = WebhookTls.selfManaged(List.of("127.0.0.1", "webhook.ns.svc"), Duration.ofDays(90),
        Duration.ofDays(30), bundles::add, clock);
    X509Certificate first = served(tls);
    assertThat(bundles).hasSize(1);
    assertThat(first.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList())
        .contains("127.0.0.1", "webhook.ns.svc");

    clock.advance(Duration.ofDays(59));
    tls.refresh();
    assertThat(bundles).as("not due yet").hasSize(1);
    assertThat(served(tls)).isEqualTo(first);

    clock.advance(Duration.ofDays(2));
    tls.refresh();
    assertThat(bundles).hasSize(2);
    assertThat(bundles.get(1).split("BEGIN CERTIFICATE", -1)).as("new and previous CA").hasSize(3);
    assertThat(bundles.get(1)).endsWith(bundles.get(0));
    assertThat(served(tls)).isNotEqualTo(first);
  }

  @Test
  void certificatesFromFilesAreReloadedWhenTheyChange(@TempDir Path dir) throws Exception {
    write(dir, SelfManagedCertificates.issue(List.of("a.example"), Duration.ofDays(1)));
    WebhookTls tls = WebhookTls.fromFiles(dir);
    assertThat(served(tls).getSubjectX500Principal().getName()).contains("a.example");

    write(dir, SelfManagedCertificates.issue(List.of("b.example"), Duration.ofDays(1)));
    Files.setLastModifiedTime(dir.resolve("tls.crt"), FileTime.from(Instant.now().plusSeconds(60)));
    tls.refresh();
    assertThat(served(tls).getSubjectX500Principal().getName()).contains("b.example");
  }

  private static void write(Path dir, SelfManagedCertificates certificates) throws Exception {
    X509ExtendedKeyManager keys = certificates.keyManager();
    try (JcaPEMWriter crt = new JcaPEMWriter(Files.newBufferedWriter(dir.resolve("tls.crt")));
        JcaPEMWriter key = new JcaPEMWriter(Files.newBufferedWriter(dir.resolve("tls.key")))) {
      for (X509Certificate certificate : keys.getCertificateChain("serving")) {
        crt.writeObject(certificate);
      }
      // PKCS#8, as cert-manager writes it with privateKey.encoding: PKCS8.
      key.writeObject(new JcaPKCS8Generator(keys.getPrivateKey("serving"), null));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
