package io.gproxy.infra;

/**
 * Names shared by the CDK stack, template.yaml and the code the stack deploys. Logical ids match template.yaml, so
 * both deployments produce resources with the same names and the tests can hold them to each other.
 */
public final class GatewayStackNames {
    /** Default stack name of the CDK app (context {@code stackName} overrides it). */
    public static final String STACK = "GproxyGateway";
    /** Logical id of the DynamoDB table. */
    public static final String TABLE = "GatewayTable";
    /** Logical id of the KMS key that seals upstream secrets. */
    public static final String KEY = "SecretsKey";
    /** Logical id of the CloudFront distribution. */
    public static final String DISTRIBUTION = "Distribution";
    /** Default table name (GPROXY_TABLE). */
    public static final String DEFAULT_TABLE_NAME = "gproxy";
    /** The alias every Function URL points at; SnapStart applies to the published versions behind it. */
    public static final String ALIAS = "live";
    /** The single Lambda package, relative to the repository root. */
    public static final String ASSET = "functions/target/gproxy-lambda.zip";
    /** Wrapper script at the root of the package that starts the streaming Runtime API loop. */
    public static final String EXEC_WRAPPER = "/var/task/streaming-runtime";

    /** Header CloudFront adds to every origin request; the functions compare it with {@link #ENV_ORIGIN_SECRET}. */
    public static final String ORIGIN_VERIFY_HEADER = "x-gproxy-origin-verify";
    public static final String ENV_TABLE = "GPROXY_TABLE";
    public static final String ENV_KMS_KEY = "GPROXY_KMS_KEY_ID";
    public static final String ENV_CONFIG_REFRESH_MS = "GPROXY_CONFIG_REFRESH_MS";
    public static final String ENV_MAX_ATTEMPTS = "GPROXY_MAX_ATTEMPTS";
    public static final String ENV_MAX_BODY_BYTES = "GPROXY_MAX_BODY_BYTES";
    /** One secret, or two separated by a comma while the secret is being rotated. */
    public static final String ENV_ORIGIN_SECRET = "GPROXY_ORIGIN_SECRET";
    public static final String ENV_EXEC_WRAPPER = "AWS_LAMBDA_EXEC_WRAPPER";
    public static final String ENV_JAVA_TOOL_OPTIONS = "JAVA_TOOL_OPTIONS";
    /** The synchronous Invoke payload limit (6 MB): a larger body cannot reach a buffered function anyway. */
    public static final String MAX_BODY_BYTES = "6291456";

    /** AWS managed cache policy "Managed-CachingDisabled". */
    public static final String CACHING_DISABLED_POLICY_ID = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
    /** AWS managed origin request policy "Managed-AllViewerExceptHostHeader". */
    public static final String ALL_VIEWER_EXCEPT_HOST_POLICY_ID = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

    private GatewayStackNames() {}
}
