/**
 * fedlink's coordinator measured against a minimal hand-written grpc-java bidi service and the machine's own
 * limits; {@link io.fedlink.benchmarks.BenchmarkMain} is the entry point ({@code scripts/benchmark.sh}).
 */
package io.fedlink.benchmarks;
