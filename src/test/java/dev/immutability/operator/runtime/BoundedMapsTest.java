package dev.immutability.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BoundedMapsTest {

  @Test
  void theLeastRecentlyUsedEntriesAreForgottenBeyondTheSize() {
    Map<String, Integer> map = BoundedMaps.lru(2);
    map.put("a", 1);
    map.put("b", 2);
    map.get("a");
    map.merge("c", 3, Integer::sum);
    assertThat(map).containsOnlyKeys("a", "c");
    Set<String> set = BoundedMaps.lruSet(1);
    assertThat(set.add("x")).isTrue();
    assertThat(set.add("x")).isFalse();
    set.add("y");
    assertThat(set).containsExactly("y");
  }
}
