package dev.clawgate.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.core.config.ConfigLoader.Loaded;
import dev.clawgate.core.config.ConfigLoader.Overrides;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Damaged config files: a valid {@code clawgate.json} holding a secret token (as the token, the
 * password and the remote token) is truncated and has characters inserted, deleted and replaced at
 * random. Loading it for a gateway either succeeds or fails with {@code INVALID_CONFIG}, never with
 * any other exception, and no message ever contains the secret or a piece of it.
 *
 * <p>A failure names the seed, the mutant and the mutations; rerun that seed alone to reproduce it.
 */
class ConfigMutationTest {
  private static final int MUTANTS_PER_SEED = 150;
  private static final int PIECE = 8;
  private static final List<String> INSERTIONS =
      List.of(
          "{",
          "}",
          "[",
          "]",
          ":",
          ",",
          "\"",
          "'",
          "/",
          "*",
          "//",
          "/*",
          "\\",
          "\\u",
          "\n",
          " ",
          "\t",
          "#",
          "-",
          "_",
          "$",
          ".",
          "+",
          "0",
          "7",
          "0x",
          "1e",
          "a",
          "Z",
          "null",
          "true",
          "NaN",
          "\u00e9",
          "\u0001",
          "\u00a0",
          "token:",
          "gateway:");

  @TempDir Path dir;

  static LongStream seeds() {
    return LongStream.rangeClosed(1, 20).map(i -> 40_417_000L + i);
  }

  private static String template(String token) {
    return """
    // clawgate configuration
    {
      "$schema": "https://example.invalid/clawgate.schema.json",
      gateway: {
        port: 18789,
        bind: "loopback",
        auth: {
          mode: "token",
          token: "%1$s",
          password: '%1$s',
          rateLimit: { maxAttempts: 10, windowMs: 60000, },
        },
        remote: { url: "ws://127.0.0.1:18789", token: "%1$s" },
        pairing: { autoApproveLocal: true, maxPending: 256 },
        trustedProxies: ["10.0.0.1"],
      },
    }
    """
        .formatted(token);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aDamagedFileLoadsOrIsAnInvalidConfigErrorWithoutTheSecret(long seed) throws IOException {
    RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    List<String> pieces =
        IntStream.rangeClosed(0, token.length() - PIECE)
            .mapToObj(i -> token.substring(i, i + PIECE))
            .toList();
    String valid = template(token);
    Path file = dir.resolve(GatewayConfig.FILE_NAME);
    Map<String, Integer> outcomes = new LinkedHashMap<>();

    for (int mutant = 1; mutant <= MUTANTS_PER_SEED; mutant++) {
      List<String> steps = new ArrayList<>();
      String text = mutate(valid, random, steps);
      Files.writeString(file, text);
      String shown;
      try {
        Loaded loaded =
            ConfigLoader.loadForGateway(
                Overrides.none(), Map.of("CLAWGATE_STATE_DIR", dir.toString()));
        shown = loaded.toString();
        outcomes.merge("loaded", 1, Integer::sum);
      } catch (ClawgateException e) {
        assertThat(e.detail())
            .as("seed %d, mutant %d %s: %s", seed, mutant, steps, e.getMessage())
            .isEqualTo(DetailCode.INVALID_CONFIG);
        shown = e.getMessage().replace(file.toString(), "<file>");
        outcomes.merge(
            shown.startsWith("<file>: not valid JSON") ? "unparsable" : "invalid", 1, Integer::sum);
      } catch (RuntimeException e) {
        throw new AssertionError(
            "seed "
                + seed
                + ", mutant "
                + mutant
                + " "
                + steps
                + ": not a ClawgateException\n"
                + text,
            e);
      }
      assertThat(shown)
          .as("seed %d, mutant %d %s of:%n%s", seed, mutant, steps, text)
          .doesNotContain(pieces);
    }
    assertThat(outcomes)
        .as("the mutants reached both the parser and the validation: %s", outcomes)
        .containsKeys("unparsable", "invalid");
  }

  /** One to four random mutations of {@code text}, each described in {@code steps}. */
  private static String mutate(String text, RandomGenerator random, List<String> steps) {
    StringBuilder s = new StringBuilder(text);
    int count = 1 + random.nextInt(4);
    for (int i = 0; i < count && !s.isEmpty(); i++) {
      int at = random.nextInt(s.length());
      switch (random.nextInt(4)) {
        case 0 -> {
          s.setLength(at);
          steps.add("truncate@" + at);
        }
        case 1 -> {
          String inserted = INSERTIONS.get(random.nextInt(INSERTIONS.size()));
          s.insert(at, inserted);
          steps.add("insert@" + at + " " + escape(inserted));
        }
        case 2 -> {
          int length = 1 + random.nextInt(3);
          steps.add(
              "delete@" + at + " " + escape(s.substring(at, Math.min(s.length(), at + length))));
          s.delete(at, Math.min(s.length(), at + length));
        }
        default -> {
          String replacement = INSERTIONS.get(random.nextInt(INSERTIONS.size()));
          steps.add(
              "replace@" + at + " " + escape(s.substring(at, at + 1)) + "->" + escape(replacement));
          s.replace(at, at + 1, replacement);
        }
      }
    }
    return s.toString();
  }

  private static String escape(String s) {
    return "'" + s.replace("\n", "\\n").replace("\t", "\\t").replace("\u0001", "\\u0001") + "'";
  }
}
