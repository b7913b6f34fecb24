package dev.clawgate.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.core.conversations.ChatType;
import dev.clawgate.core.conversations.InboundMessage;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeedPlanTest {

  @Test
  void sessionsAreTheWebhookDirectChatsOfTheirPeers() {
    SeedPlan plan = new SeedPlan("main");
    assertThat(SeedPlan.peer(7)).isEqualTo("peer-00007");
    assertThat(plan.sessionKey(7)).isEqualTo("agent:main:webhook:dm:peer-00007");
  }

  @Test
  void aSeededMessageComesFromThePeerIntoItsSession() {
    InboundMessage message = new SeedPlan("main").message(3, 9, 1_000L);
    assertThat(message.channel()).isEqualTo("webhook");
    assertThat(message.accountId()).isEqualTo("main");
    assertThat(message.externalId()).isEqualTo("seed-3-9");
    assertThat(message.chatType()).isEqualTo(ChatType.DIRECT);
    assertThat(message.senderId()).isEqualTo("peer-00003");
    assertThat(message.chatId()).isEqualTo("peer-00003");
    assertThat(message.senderName()).contains("Peer 3");
    assertThat(message.sessionKey()).isEqualTo("agent:main:webhook:dm:peer-00003");
    assertThat(message.timestampMs()).isEqualTo(1_000L);
  }

  @Test
  void textsVaryInLengthAndContent() {
    Set<String> texts = new HashSet<>();
    int shortest = Integer.MAX_VALUE;
    int longest = 0;
    for (int session = 0; session < 10; session++) {
      for (int index = 0; index < 10; index++) {
        String text = SeedPlan.text(session, index);
        texts.add(text);
        shortest = Math.min(shortest, text.length());
        longest = Math.max(longest, text.length());
      }
    }
    assertThat(texts).hasSize(100);
    assertThat(shortest).isLessThan(60);
    assertThat(longest).isGreaterThan(150);
  }
}
