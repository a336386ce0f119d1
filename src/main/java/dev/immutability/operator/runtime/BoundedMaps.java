package dev.immutability.operator.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Thread-safe maps that forget their least recently used entries beyond a size: state kept per pod never grows. */
public final class BoundedMaps {
  private BoundedMaps() {}

  public static <K, V> Map<K, V> lru(int maxEntries) {
    return Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > maxEntries;
      }
    });
  }

  public static <K> Set<K> lruSet(int maxEntries) {
    return Collections.newSetFromMap(lru(maxEntries));
  }
}
