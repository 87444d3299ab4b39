package io.gproxy.functions;

import io.gproxy.app.Gateway;
import io.gproxy.app.RuntimeConfig;

/**
 * The one {@link Gateway} of a Lambda container, built from the environment at init. Building makes no network
 * call and opens no secret (DESIGN §3 SnapStart rules): the config snapshot loads on the first request.
 */
public final class LambdaGateway {
    private static volatile Gateway instance;

    private LambdaGateway() {}

    /** Uses this gateway instead of one built from the environment (tests, embedders). */
    public static void install(Gateway gateway) {
        instance = gateway;
    }

    static Gateway get() {
        Gateway g = instance;
        if (g == null) {
            synchronized (LambdaGateway.class) {
                g = instance;
                if (g == null) {
                    g = Gateway.builder().config(RuntimeConfig.fromEnv(System.getenv())).build();
                    instance = g;
                }
            }
        }
        return g;
    }
}
