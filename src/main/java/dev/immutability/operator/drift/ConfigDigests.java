package dev.immutability.operator.drift;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * ConfigMaps and Secrets as the operator keeps them: each key's value replaced by its HMAC-SHA256 under the
 * install's own key, so no data stays in memory and a recorded hash cannot be checked against guessed values by
 * anyone who reads pods. Computed once per resourceVersion, when the informer stores the object. Hashes over a
 * pod's keys combine these digests ({@code hmac-sha256:...}); the unkeyed SHA-256 of the whole object that older
 * baselines recorded ({@code sha256:...}) is kept beside them, so those baselines still compare.
 */
public final class ConfigDigests {
  public static final String PREFIX = "hmac-sha256:";
  static final String UNKEYED_HASH = "immutability.dev/unkeyed-hash";
  static final String LAST_WRITE = "immutability.dev/last-write";

  private ConfigDigests() {}

  public static ConfigMap slim(ConfigMap full, byte[] key) {
    Map<String, String> digests = new HashMap<>();
    digest(key, "a", full.getData(), digests);
    digest(key, "b", full.getBinaryData(), digests);
    ConfigMap slim = new ConfigMap();
    slim.setMetadata(metadata(full, ConfigHashes.of(full)));
    slim.setData(digests);
    return slim;
  }

  public static Secret slim(Secret full, byte[] key) {
    Map<String, String> digests = new HashMap<>();
    digest(key, "a", full.getData(), digests);
    Secret slim = new Secret();
    slim.setMetadata(metadata(full, ConfigHashes.of(full)));
    slim.setData(digests);
    return slim;
  }

  /** The hash of the chosen keys of a slim object (null: all of them). */
  public static String hash(HasMetadata slim, Set<String> keys) {
    Map<String, String> digests = slim instanceof ConfigMap configMap ? configMap.getData()
        : ((Secret) slim).getData();
    MessageDigest sha256 = ConfigHashes.sha256();
    new TreeMap<>(digests == null ? Map.<String, String>of() : digests).forEach((name, digest) -> {
      if (keys == null || keys.contains(name)) {
        ConfigHashes.lengthPrefixed(sha256, name);
        ConfigHashes.lengthPrefixed(sha256, digest);
      }
    });
    return PREFIX + HexFormat.of().formatHex(sha256.digest());
  }

  /** The whole object's unkeyed hash, as baselines recorded it before hashes were keyed. */
  public static Optional<String> unkeyedHash(HasMetadata slim) {
    return annotation(slim, UNKEYED_HASH);
  }

  /** When the object was last written, as its managedFields said (they are not kept). */
  public static Optional<Instant> lastWrite(HasMetadata slim) {
    return annotation(slim, LAST_WRITE).map(Instant::parse);
  }

  /** When an object as read from the API server was last written: the latest time in its managedFields. */
  public static Optional<Instant> writtenAt(HasMetadata full) {
    return Optional.ofNullable(full.getMetadata().getManagedFields()).orElse(List.of()).stream()
        .map(ManagedFieldsEntry::getTime).filter(Objects::nonNull).map(Instant::parse).max(Instant::compareTo);
  }

  private static Optional<String> annotation(HasMetadata slim, String name) {
    Map<String, String> annotations = slim.getMetadata().getAnnotations();
    return Optional.ofNullable(annotations == null ? null : annotations.get(name));
  }

  private static ObjectMeta metadata(HasMetadata full, String unkeyedHash) {
    ObjectMeta meta = full.getMetadata();
    Map<String, String> annotations = new HashMap<>(Map.of(UNKEYED_HASH, unkeyedHash));
    writtenAt(full).ifPresent(time -> annotations.put(LAST_WRITE, time.toString()));
    return new ObjectMetaBuilder().withName(meta.getName()).withNamespace(meta.getNamespace()).withUid(meta.getUid())
        .withResourceVersion(meta.getResourceVersion()).withLabels(meta.getLabels()).withAnnotations(annotations)
        .build();
  }

  private static void digest(byte[] key, String section, Map<String, String> entries, Map<String, String> out) {
    if (entries == null) {
      return;
    }
    Mac mac = hmac(key);
    entries.forEach((name, value) -> {
      mac.update(section.getBytes(StandardCharsets.UTF_8));
      lengthPrefixed(mac, name);
      lengthPrefixed(mac, value == null ? "" : value);
      out.put(name, HexFormat.of().formatHex(mac.doFinal()));
    });
  }

  private static void lengthPrefixed(Mac mac, String part) {
    byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
    mac.update((bytes.length + ":").getBytes(StandardCharsets.UTF_8));
    mac.update(bytes);
  }

  private static Mac hmac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
    }
  }
}
