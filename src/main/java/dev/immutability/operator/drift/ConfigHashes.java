package dev.immutability.operator.drift;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Content hashes of ConfigMaps and Secrets: SHA-256 over their sorted keys and values, or over the keys a pod reads
 * only. Data never leaves here.
 */
public final class ConfigHashes {
  private ConfigHashes() {}

  public static String of(ConfigMap configMap) {
    return of(configMap, null);
  }

  public static String of(Secret secret) {
    return of(secret, null);
  }

  /**
   * The hash of the chosen keys only (a key the object lacks is left out); null keys means the whole object, and
   * gives the same hash as {@link #of(ConfigMap)}.
   */
  public static String of(ConfigMap configMap, Set<String> keys) {
    return hash(only(configMap.getData(), keys), only(configMap.getBinaryData(), keys));
  }

  public static String of(Secret secret, Set<String> keys) {
    return hash(only(secret.getData(), keys), only(secret.getStringData(), keys));
  }

  private static Map<String, String> only(Map<String, String> entries, Set<String> keys) {
    if (entries == null || keys == null) {
      return entries;
    }
    Map<String, String> chosen = new TreeMap<>(entries);
    chosen.keySet().retainAll(keys);
    return chosen;
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
