package dev.immutability.operator.drift;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Unkeyed content hashes of whole ConfigMaps and Secrets (SHA-256 over their sorted keys and values), as baselines
 * recorded them before hashes were keyed ({@link ConfigDigests} makes today's). Data never leaves here.
 */
public final class ConfigHashes {
  private ConfigHashes() {}

  public static String of(ConfigMap configMap) {
    return hash(configMap.getData(), configMap.getBinaryData());
  }

  public static String of(Secret secret) {
    return hash(secret.getData(), secret.getStringData());
  }

  private static String hash(Map<String, String> first, Map<String, String> second) {
    MessageDigest digest = sha256();
    update(digest, "a", first);
    update(digest, "b", second);
    return "sha256:" + HexFormat.of().formatHex(digest.digest());
  }

  private static void update(MessageDigest digest, String section, Map<String, String> entries) {
    digest.update(section.getBytes(StandardCharsets.UTF_8));
    if (entries == null) {
      return;
    }
    // Length-prefixed so that {"ab": "c"} and {"a": "bc"} never hash alike.
    new TreeMap<>(entries).forEach((key, value) -> {
      lengthPrefixed(digest, key);
      lengthPrefixed(digest, value == null ? "" : value);
    });
  }

  static void lengthPrefixed(MessageDigest digest, String part) {
    byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
    digest.update((bytes.length + ":").getBytes(StandardCharsets.UTF_8));
    digest.update(bytes);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
