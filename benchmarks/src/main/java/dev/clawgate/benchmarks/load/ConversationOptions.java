package dev.clawgate.benchmarks.load;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The options of the conversation-plane commands ({@code seed}, {@code sessions-list}, {@code
 * inject}, {@code fanout}, {@code webhook}); see {@link LoadOptions#USAGE}.
 *
 * @param pipeline sessions-list, inject: requests kept in flight on each connection
 * @param include sessions-list: ask for derived titles and last-message previews
 * @param limit sessions-list: the page size asked for
 * @param rate fanout: webhook posts per second, on a fixed schedule
 * @param hookAccount the webhook account: {@code POST /hooks/<account>}; seed: the account the
 *     seeded sessions belong to
 * @param hookSecret fanout, webhook: the account's signing secret (empty for other commands)
 * @param stateDir seed: the state directory whose {@code state.db} is built
 * @param sessions seed: sessions to create; inject, fanout, webhook: seeded sessions addressed
 * @param messages seed: transcript messages per session
 * @param batch seed: inbound messages per {@code receive} call (one transaction each)
 */
record ConversationOptions(
    int pipeline,
    boolean include,
    int limit,
    double rate,
    String hookAccount,
    String hookSecret,
    Optional<Path> stateDir,
    int sessions,
    int messages,
    int batch) {
  ConversationOptions {
    Objects.requireNonNull(hookAccount, "null hookAccount");
    Objects.requireNonNull(hookSecret, "null hookSecret");
    Objects.requireNonNull(stateDir, "null stateDir");
  }
}
