package dev.immutability.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ArgumentsTest {
  @Test
  void flagsGoAnywhereAndTakeValuesSpacedOrWithEquals() {
    Arguments except = Arguments.parse(new String[] {"except", "-n", "shop", "web-1", "--for=1h30m", "--reason",
        "INC-1: hot patch", "--reasons", "ExecSession,ImageChanged"});
    assertThat(except).isEqualTo(new Arguments("except", "web-1", Optional.of("shop"), false,
        Duration.ofMinutes(90), "INC-1: hot patch", List.of("ExecSession", "ImageChanged")));
    assertThat(Arguments.parse(new String[] {"status", "-A"}).allNamespaces()).isTrue();
    assertThat(Arguments.parse(new String[] {}).command()).isEqualTo("help");
  }

  @Test
  void mistakesAreNamed() {
    assertThatThrownBy(() -> Arguments.parse(new String[] {"explain"})).hasMessage("explain needs a pod name");
    assertThatThrownBy(() -> Arguments.parse(new String[] {"except", "p", "--reason", "INC-1: hot patch"}))
        .hasMessageContaining("--for");
    assertThatThrownBy(() -> Arguments.parse(new String[] {"except", "p", "--for", "soon", "--reason", "r"}))
        .hasMessageContaining("--for takes a duration");
    assertThatThrownBy(() -> Arguments.parse(new String[] {"status", "--wide"})).hasMessage("unknown flag --wide");
    assertThatThrownBy(() -> Arguments.parse(new String[] {"delete"})).hasMessage("unknown command delete");
    assertThatThrownBy(() -> Arguments.parse(new String[] {"status", "-n"})).hasMessage("-n needs a value");
  }
}
