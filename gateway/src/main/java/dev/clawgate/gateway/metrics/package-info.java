/**
 * Prometheus metrics of the gateway, served at {@code GET /metrics} in the text exposition format
 * 0.0.4 to callers granted {@code operator.read}.
 *
 * <p>{@link dev.clawgate.gateway.metrics.GatewayMetrics} holds every metric (RPC calls, MCP tool
 * calls, connections, OAuth events, build info, uptime); {@link
 * dev.clawgate.gateway.metrics.MetricsHandler} is the Jetty handler. The registry is in-house and
 * small (docs/decisions/0014-metrics.md): counters, histograms and gauges read at scrape time.
 *
 * <p>Labels are bounded by construction: every label declares its values up front ({@link
 * dev.clawgate.gateway.metrics.BoundedLabel}) and any other value is counted as {@code other}, so
 * nothing a client sends (paths, ids, names) can create a series.
 */
@NullMarked
package dev.clawgate.gateway.metrics;

import org.jspecify.annotations.NullMarked;
