package dev.clawgate.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConversationOptionsTest {

  @Test
  void sessionsListDefaultsToEightConnectionsSixteenInFlightPagesOfFifty() {
    LoadOptions options = LoadOptions.parse("sessions-list", "--token", "t");
    assertThat(options.connections()).isEqualTo(8);
    assertThat(options.conversation().pipeline()).isEqualTo(16);
    assertThat(options.conversation().limit()).isEqualTo(50);
    assertThat(options.conversation().include()).isFalse();
    assertThat(options.scopes()).containsExactly("operator.read");
  }

  @Test
  void includeAndPipelineAreRead() {
    LoadOptions options =
        LoadOptions.parse(
            "sessions-list",
            "--token",
            "t",
            "--include",
            "true",
            "--pipeline",
            "4",
            "--limit",
            "7");
    assertThat(options.conversation().include()).isTrue();
    assertThat(options.conversation().pipeline()).isEqualTo(4);
    assertThat(options.conversation().limit()).isEqualTo(7);
  }

  @Test
  void injectAsksForTheAdminScopeItNeeds() {
    assertThat(LoadOptions.parse("inject", "--token", "t").scopes())
        .isEqualTo(List.of("operator.admin"));
  }

  @Test
  void fanoutDefaultsToAHundredSubscribersFourPostersAHundredPerSecond() {
    LoadOptions options =
        LoadOptions.parse("fanout", "--token", "t", "--hook-secret", "s", "--rate", "50.5");
    assertThat(options.connections()).isEqualTo(100);
    assertThat(options.concurrency()).isEqualTo(4);
    assertThat(options.conversation().rate()).isEqualTo(50.5);
    assertThat(options.conversation().hookAccount()).isEqualTo("main");
    assertThat(options.conversation().hookSecret()).isEqualTo("s");
    assertThat(options.conversation().sessions()).isEqualTo(1_000);
  }

  @Test
  void seedNeedsAStateDirButNoToken() {
    LoadOptions options =
        LoadOptions.parse(
            "seed", "--state-dir", "/tmp/s", "--sessions", "10", "--messages", "3", "--batch", "5");
    assertThat(options.conversation().stateDir()).contains(Path.of("/tmp/s"));
    assertThat(options.conversation().sessions()).isEqualTo(10);
    assertThat(options.conversation().messages()).isEqualTo(3);
    assertThat(options.conversation().batch()).isEqualTo(5);
    assertThatThrownBy(() -> LoadOptions.parse("seed")).hasMessageContaining("--state-dir");
  }

  @Test
  void postingCommandsNeedTheHookSecret() {
    assertThatThrownBy(() -> LoadOptions.parse("fanout", "--token", "t"))
        .hasMessageContaining("--hook-secret");
    assertThatThrownBy(() -> LoadOptions.parse("webhook", "--token", "t"))
        .hasMessageContaining("--hook-secret");
    assertThatThrownBy(() ->
            LoadOptions.parse("webhook", "--token", "t", "--hook-secret", "a", "--token", "u"))
        .hasMessageContaining("twice");
  }

  @Test
  void badValuesAreRefusedWithTheOptionNamed() {
    assertThatThrownBy(
            () -> LoadOptions.parse("fanout", "--token", "t", "--hook-secret", "s", "--rate", "0"))
        .hasMessageContaining("--rate");
    assertThatThrownBy(() -> LoadOptions.parse("sessions-list", "--token", "t", "--include", "y"))
        .hasMessageContaining("--include");
    assertThatThrownBy(() -> LoadOptions.parse("sessions-list", "--token", "t", "--pipeline", "0"))
        .hasMessageContaining("--pipeline");
    assertThatThrownBy(() -> LoadOptions.parse("sessions-list")).hasMessageContaining("--token");
  }
}
