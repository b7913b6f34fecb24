package dev.clawgate.gateway.metrics;

import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gauge read at scrape time: one sample with fixed label values, from a supplier. The family is
 * left out of the scrape until a supplier is {@linkplain #set set}; a supplier that throws leaves
 * the sample out of that scrape.
 */
final class Gauge extends Family {
  private static final Logger LOG = LoggerFactory.getLogger(Gauge.class);

  private final List<String> labelValues;
  private volatile @Nullable DoubleSupplier supplier;

  /** A gauge without labels. */
  Gauge(String name, String help) {
    this(name, help, List.of(), List.of());
  }

  /**
   * A gauge whose one sample carries {@code labelValues}: fixed by the code (such as the build's
   * version), never taken from a request.
   */
  Gauge(String name, String help, List<String> labelNames, List<String> labelValues) {
    super(name, help, fixed(labelNames, labelValues));
    this.labelValues = List.copyOf(labelValues);
  }

  private static List<BoundedLabel> fixed(List<String> names, List<String> values) {
    if (names.size() != values.size()) {
      throw new IllegalArgumentException("label names and values differ in number");
    }
    return IntStream.range(0, names.size())
        .mapToObj(i -> BoundedLabel.of(names.get(i), values.get(i)))
        .toList();
  }

  /** Where the value comes from from now on. */
  Gauge set(DoubleSupplier value) {
    this.supplier = value;
    return this;
  }

  @Override
  void write(StringBuilder out) {
    DoubleSupplier current = supplier;
    if (current == null) {
      return;
    }
    TextFormat.header(out, name(), "gauge", help());
    double value;
    try {
      value = current.getAsDouble();
    } catch (RuntimeException e) {
      LOG.warn("metric {} could not be read: {}", name(), e.toString());
      return;
    }
    TextFormat.sample(out, name(), labelNames(), labelValues, null, "", TextFormat.number(value));
  }
}
