package io.gproxy.infra;

/**
 * Names the CDK stack will use. The stack itself arrives with the Lambda deployment issue;
 * this module exists now so the reactor layout of DESIGN §2 is in place from the start.
 */
public final class GatewayStackNames {
    public static final String STACK = "GproxyGateway";
    public static final String TABLE = "GproxyTable";

    private GatewayStackNames() {}
}
