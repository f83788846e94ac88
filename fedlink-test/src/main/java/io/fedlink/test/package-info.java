/**
 * fedlink's test kit: a real coordinator in-process or on TCP ({@link io.fedlink.test.TestCoordinator}), clients in the
 * test's JVM ({@link io.fedlink.test.TestFederation}), wire messages ({@link io.fedlink.test.TestMessages}),
 * client handles without a stream for strategy tests ({@link io.fedlink.test.DetachedClients}), certificates, and
 * JUnit 5 clean-up ({@link io.fedlink.test.TestResources}).
 */
package io.fedlink.test;
