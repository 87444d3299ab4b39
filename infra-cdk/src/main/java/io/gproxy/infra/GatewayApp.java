package io.gproxy.infra;

import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

import java.nio.file.Path;

/**
 * CDK entry point ({@code cdk.json}: {@code mvn -e -q compile exec:java}). Run from {@code infra-cdk/} after
 * {@code mvn -B -DskipTests package} at the repository root has built the Lambda package.
 *
 * <p>Context: {@code assetPath} (default {@code ../functions/target/gproxy-lambda.zip}), {@code stackName}
 * (default {@value GatewayStackNames#STACK}), and every setting of {@link GatewaySettings} under its SAM parameter
 * name. Account and region come from the CLI profile ({@code CDK_DEFAULT_ACCOUNT} / {@code CDK_DEFAULT_REGION}).
 */
public final class GatewayApp {

    private GatewayApp() {}

    public static void main(String[] args) {
        App app = new App();
        String assetPath = contextOr(app, "assetPath", Path.of("..").resolve(GatewayStackNames.ASSET).toString());
        String stackName = contextOr(app, "stackName", GatewayStackNames.STACK);
        StackProps props = StackProps.builder()
                .stackName(stackName)
                .description("gproxy for AWS Lambda (CDK app infra-cdk, same stack as template.yaml)")
                .env(Environment.builder()
                        .account(System.getenv("CDK_DEFAULT_ACCOUNT"))
                        .region(System.getenv("CDK_DEFAULT_REGION"))
                        .build())
                .build();
        new GatewayStack(app, stackName, props, assetPath, GatewaySettings.fromContext(app.getNode()));
        app.synth();
    }

    private static String contextOr(App app, String key, String fallback) {
        Object v = app.getNode().tryGetContext(key);
        return v == null || v.toString().isBlank() ? fallback : v.toString();
    }
}
