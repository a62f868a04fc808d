/**
 * The test kit: what every module's tests share ({@link io.switchboard.testkit.TestDatabase},
 * {@link io.switchboard.testkit.Await}, {@link io.switchboard.testkit.ManualClock},
 * {@link io.switchboard.testkit.TestTls}, ...), and a subpackage per outside system with its loopback
 * stand-ins. Every module takes it at test scope; production code never imports it
 * ({@code ArchitectureTest}). Core cannot take it, since the kit depends on core, so core's tests that
 * need a real database run in this module's build ({@code testkit/src/test/java}, in core's packages).
 */
package io.switchboard.testkit;
