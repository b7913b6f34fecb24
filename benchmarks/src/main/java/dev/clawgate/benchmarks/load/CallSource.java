package dev.clawgate.benchmarks.load;

import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * What a {@link CallLoad} sends: one gateway method, its request text per id, and the check applied
 * to a sample of the successful answers (so a fast wrong answer does not count as a fast answer).
 */
interface CallSource {
  /** The method called, for reports. */
  String method();

  /** Words for the report's first line. */
  String label();

  /**
   * The request frame for the {@code id}th request (from 1) of connection {@code connection}; the
   * frame's id must be {@code id} written in decimal.
   */
  String request(int connection, long id);

  /** What is wrong with the payload of a successful response, if anything. */
  Optional<String> check(JsonNode payload);
}
