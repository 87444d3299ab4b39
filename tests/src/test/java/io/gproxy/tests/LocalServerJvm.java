package io.gproxy.tests;

import io.gproxy.local.LocalHttpServer;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Sets the test JVM up like {@code gproxy local}'s before any test runs: the JDK reads its HTTP server's header
 * limits once per JVM, when the first server starts, and here that is usually a mock upstream, long before the
 * gateway's {@link LocalHttpServer}. Registered in {@code META-INF/services}. That {@code gproxy local} itself sets
 * them in time is {@code security/LocalHeaderLimitsTest}'s to show, in a JVM of its own.
 */
public final class LocalServerJvm implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        LocalHttpServer.useGatewayHeaderLimits();
    }
}
