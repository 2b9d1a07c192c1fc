/**
 * Each agent's monitoring endpoint: Prometheus metrics ({@code /metrics}, through the Prometheus
 * Java client), liveness ({@code /health}) and readiness ({@code /ready}); names in docs/metrics.md.
 */
package io.qreplicator.cli.monitoring;
