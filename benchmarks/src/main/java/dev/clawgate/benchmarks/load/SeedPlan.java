package dev.clawgate.benchmarks.load;

import dev.clawgate.core.conversations.ChatType;
import dev.clawgate.core.conversations.DmScope;
import dev.clawgate.core.conversations.InboundMessage;
import dev.clawgate.core.conversations.SessionKeys;
import java.util.List;
import java.util.Optional;

/**
 * The conversation state the benchmarks seed, and how the loads address it: session {@code i} is
 * the direct chat of peer {@code peer-<i>} on the {@code webhook} channel's account, so its key is
 * {@code agent:main:webhook:dm:peer-<i>} (the gateway's default {@code per-channel-peer} scope),
 * and a signed webhook post from that peer lands in it. Texts vary in length (about 40 to 240
 * characters) so titles and previews look like real ones.
 */
public final class SeedPlan {
  static final String CHANNEL = "webhook";
  static final String AGENT = SessionKeys.DEFAULT_AGENT;

  /** The sessions the benchmarks seed unless told otherwise. */
  public static final int SESSIONS = 1_000;

  /** Transcript messages per seeded session unless told otherwise. */
  public static final int MESSAGES_PER_SESSION = 100;

  private static final List<String> PHRASES =
      List.of(
          "can you check the deploy logs from last night",
          "the build on main is red again, flaky test in the store module",
          "reminder: standup moved to 10:30",
          "what's the status of the invoice export",
          "please summarise the thread about the new pricing page",
          "lunch?",
          "the customer in Lisbon says the webhook retries twice",
          "ok, merging after the review",
          "here are the numbers for the quarter: revenue up 4 %, churn flat, support tickets down",
          "can we move the migration to Thursday, the database team is out");

  private final String account;

  /** Sessions on the {@code webhook} account {@code account}. */
  public SeedPlan(String account) {
    this.account = account;
  }

  /** The peer (sender and chat) of session {@code session}. */
  public static String peer(int session) {
    return String.format("peer-%05d", session);
  }

  /** The key of session {@code session}, as the gateway derives it for that peer's messages. */
  public String sessionKey(int session) {
    return SessionKeys.forInbound(
        AGENT,
        CHANNEL,
        account,
        ChatType.DIRECT,
        peer(session),
        Optional.empty(),
        DmScope.PER_CHANNEL_PEER);
  }

  /** The {@code index}th message of session {@code session}. */
  public InboundMessage message(int session, int index, long timestampMs) {
    return inbound(session, "seed-" + session + "-" + index, text(session, index), timestampMs);
  }

  /** A message from session {@code session}'s peer with the channel's event id {@code id}. */
  public InboundMessage inbound(int session, String id, String text, long timestampMs) {
    String peer = peer(session);
    return new InboundMessage(
        CHANNEL,
        account,
        id,
        ChatType.DIRECT,
        peer,
        Optional.empty(),
        peer,
        Optional.of("Peer " + session),
        Optional.empty(),
        text,
        List.of(),
        false,
        timestampMs,
        sessionKey(session));
  }

  /** A text of one to four phrases, different for neighbouring sessions and messages. */
  public static String text(int session, int index) {
    int mix = session * 31 + index * 7;
    int phrases = 1 + Math.floorMod(mix, 4);
    StringBuilder text = new StringBuilder();
    for (int p = 0; p < phrases; p++) {
      if (p > 0) {
        text.append(". ");
      }
      text.append(PHRASES.get(Math.floorMod(mix + p * 3, PHRASES.size())));
    }
    return text.append(" (#").append(index).append(')').toString();
  }
}
