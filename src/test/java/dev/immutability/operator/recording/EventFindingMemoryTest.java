package dev.immutability.operator.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.drift.Finding;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventFindingMemoryTest {
  private static final Finding EXEC = Finding.of(DriftReason.ExecSession, "app", "alice ran [sh]", Instant.EPOCH);
  private static final Finding IMAGE = Finding.of(DriftReason.ImageChanged, "app", "edited", Instant.EPOCH);

  @Test
  void anErasedSessionIsKnownFromTheCopyAndStateFindingsAreNotKept() {
    EventFindingMemory memory = new EventFindingMemory();
    memory.rememberAll("uid-1", List.of(EXEC, IMAGE));
    assertThat(memory.erasedFrom("uid-1", List.of())).containsExactly(EXEC);
    assertThat(memory.erasedFrom("uid-1", List.of(EXEC))).isEmpty();
    assertThat(memory.erasedFrom("uid-2", List.of())).isEmpty();
    memory.rememberAll("uid-1", List.of());
    assertThat(memory.erasedFrom("uid-1", List.of())).as("the pod's records were cleared by the operator").isEmpty();
  }

  @Test
  void aWrittenSessionIsRememberedOnce() {
    EventFindingMemory memory = new EventFindingMemory();
    memory.remember("uid-1", EXEC);
    memory.remember("uid-1", EXEC);
    assertThat(memory.erasedFrom("uid-1", List.of(IMAGE))).containsExactly(EXEC);
  }
}
