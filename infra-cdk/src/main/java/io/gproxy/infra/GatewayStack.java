package io.gproxy.infra;

import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnCondition;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudfront.AllowedMethods;
import software.amazon.awscdk.services.cloudfront.BehaviorOptions;
import software.amazon.awscdk.services.cloudfront.CachePolicy;
import software.amazon.awscdk.services.cloudfront.CachedMethods;
import software.amazon.awscdk.services.cloudfront.Distribution;
import software.amazon.awscdk.services.cloudfront.HttpVersion;
import software.amazon.awscdk.services.cloudfront.IOrigin;
import software.amazon.awscdk.services.cloudfront.OriginRequestPolicy;
import software.amazon.awscdk.services.cloudfront.PriceClass;
import software.amazon.awscdk.services.cloudfront.ViewerProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.origins.FunctionUrlOrigin;
import software.amazon.awscdk.services.cloudfront.origins.FunctionUrlOriginProps;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.FunctionUrl;
import software.amazon.awscdk.services.lambda.FunctionUrlAuthType;
import software.amazon.awscdk.services.lambda.FunctionUrlOptions;
import software.amazon.awscdk.services.lambda.InvokeMode;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway as one CDK stack, resource for resource the same as template.yaml: the table and key (both retained),
 * one function per operation group on java21/arm64 with SnapStart, a {@code live} alias and a Function URL each
 * (RESPONSE_STREAM for generate content, BUFFERED for the rest), explicit log groups, three least-privilege roles,
 * and a CloudFront distribution that routes {@link CloudFrontRoutes} to the function URLs.
 */
public class GatewayStack extends Stack {

    private final Table table;
    private final Key secretsKey;
    private final Distribution distribution;
    private final Map<GatewayFunction, Function> functions = new EnumMap<>(GatewayFunction.class);
    private final Map<GatewayFunction, FunctionUrl> urls = new EnumMap<>(GatewayFunction.class);

    /** Stack with the default settings; {@code assetPath} is the Lambda zip (it must exist at synth time). */
    public GatewayStack(Construct scope, String id, String assetPath) {
        this(scope, id, null, assetPath, GatewaySettings.defaults());
    }

    public GatewayStack(Construct scope, String id, StackProps props, String assetPath, GatewaySettings settings) {
        super(scope, id, props);
        Path asset = Path.of(assetPath);
        if (!Files.isRegularFile(asset) || !asset.getFileName().toString().endsWith(".zip")) {
            throw new IllegalArgumentException("Lambda package not found (build it with `mvn -B -DskipTests package`): "
                    + asset.toAbsolutePath());
        }
        setTemplateOptions();

        // ------------------------------------------------------------------------------------ parameters
        CfnParameter originSecret = CfnParameter.Builder.create(this, "OriginVerifySecret")
                .type("String")
                .noEcho(true)
                .minLength(32)
                .maxLength(256)
                .allowedPattern("^[A-Za-z0-9_.~+/=-]+$")
                .description("Secret CloudFront sends to every function in the " + GatewayStackNames.ORIGIN_VERIFY_HEADER
                        + " header (" + GatewayStackNames.ENV_ORIGIN_SECRET + "), so the public Function URLs cannot be"
                        + " used directly. At least 32 characters, e.g. `openssl rand -hex 32`.")
                .build();
        CfnParameter extraOriginSecret = CfnParameter.Builder.create(this, "ExtraOriginVerifySecret")
                .type("String")
                .noEcho(true)
                .defaultValue("")
                .allowedPattern("^[A-Za-z0-9_.~+/=-]*$")
                .description("Optional second secret the functions also accept (never sent by CloudFront), only while"
                        + " rotating OriginVerifySecret (docs/deployment.md). Leave empty otherwise.")
                .build();
        CfnCondition hasExtraSecret = CfnCondition.Builder.create(this, "HasExtraOriginVerifySecret")
                .expression(Fn.conditionNot(Fn.conditionEquals(extraOriginSecret.getValueAsString(), "")))
                .build();

        // -------------------------------------------------------------------------------------- state
        table = Table.Builder.create(this, GatewayStackNames.TABLE)
                .tableName(settings.tableName())
                .partitionKey(Attribute.builder().name("pk").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("sk").type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .timeToLiveAttribute("ttl")
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                // Retained on deletion and replacement: users, keys, sealed credentials and usage live here.
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        table.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
                .indexName("gsi1")
                .partitionKey(Attribute.builder().name("gsi1pk").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("gsi1sk").type(AttributeType.STRING).build())
                .projectionType(ProjectionType.ALL)
                .build());
        logicalId(table, GatewayStackNames.TABLE);

        secretsKey = Key.Builder.create(this, GatewayStackNames.KEY)
                .description("Seals gproxy upstream credentials (envelope encryption, encryption context per entity).")
                .enableKeyRotation(true)
                // Retained: without it no sealed secret in the retained table can be opened again. The default key
                // policy lets the account (its IAM policies) use the key; the roles below name what each may do.
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        logicalId(secretsKey, GatewayStackNames.KEY);
        logicalId(secretsKey.addAlias("alias/" + Aws.STACK_NAME + "-secrets"), "SecretsKeyAlias");

        // --------------------------------------------------------------------------------- log groups
        Map<GatewayFunction, LogGroup> logGroups = new EnumMap<>(GatewayFunction.class);
        for (GatewayFunction f : GatewayFunction.values()) {
            LogGroup group = LogGroup.Builder.create(this, f.logGroupLogicalId())
                    .logGroupName("/aws/lambda/" + Aws.STACK_NAME + "/" + f.slug())
                    .retention(LogRetention.of(settings.logRetentionDays()))
                    .removalPolicy(RemovalPolicy.DESTROY)
                    .build();
            logicalId(group, f.logGroupLogicalId());
            logGroups.put(f, group);
        }

        // -------------------------------------------------------------------------------------- roles
        Map<GatewayFunction.Access, Role> roles = new EnumMap<>(GatewayFunction.Access.class);
        for (GatewayFunction.Access access : GatewayFunction.Access.values()) {
            List<String> logArns = new ArrayList<>();
            for (GatewayFunction f : GatewayFunction.values()) {
                if (f.access() == access) {
                    logArns.add(logGroups.get(f).getLogGroupArn());
                }
            }
            roles.put(access, role(access, logArns));
        }

        // ---------------------------------------------------------------------------------- functions
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put(GatewayStackNames.ENV_TABLE, table.getTableName());
        environment.put(GatewayStackNames.ENV_KMS_KEY, secretsKey.getKeyArn());
        environment.put(GatewayStackNames.ENV_CONFIG_REFRESH_MS, Integer.toString(settings.configRefreshMs()));
        environment.put(GatewayStackNames.ENV_MAX_ATTEMPTS, Integer.toString(settings.maxAttempts()));
        environment.put(GatewayStackNames.ENV_MAX_BODY_BYTES, GatewayStackNames.MAX_BODY_BYTES);
        environment.put(GatewayStackNames.ENV_ORIGIN_SECRET, Fn.conditionIf(hasExtraSecret.getLogicalId(),
                Fn.join(",", List.of(originSecret.getValueAsString(), extraOriginSecret.getValueAsString())),
                originSecret.getValueAsString()).toString());
        environment.put(GatewayStackNames.ENV_JAVA_TOOL_OPTIONS, settings.javaToolOptions());

        Code code = Code.fromAsset(asset.toString());
        for (GatewayFunction f : GatewayFunction.values()) {
            Map<String, String> env = new LinkedHashMap<>(environment);
            if (f.streaming()) {
                // The managed java21 runtime buffers handler output; the wrapper starts the project's own Runtime
                // API loop (streaming responses, SnapStart handshake) instead (DESIGN §3).
                env.put(GatewayStackNames.ENV_EXEC_WRAPPER, GatewayStackNames.EXEC_WRAPPER);
            }
            Function fn = Function.Builder.create(this, f.logicalId())
                    .description(f.description())
                    .runtime(Runtime.JAVA_21)
                    .architecture(Architecture.ARM_64)
                    .code(code)
                    .handler(f.handler())
                    .memorySize(settings.memoryOf(f))
                    .timeout(Duration.seconds(settings.timeoutOf(f)))
                    .role(roles.get(f.access()))
                    .logGroup(logGroups.get(f))
                    .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                    .environment(env)
                    .build();
            // SnapStart applies to published versions only: the alias below publishes one per change.
            Annotations.of(fn).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                    "published through the live alias");
            Alias alias = Alias.Builder.create(this, f.logicalId() + "Alias" + GatewayStackNames.ALIAS)
                    .aliasName(GatewayStackNames.ALIAS)
                    .version(fn.getCurrentVersion())
                    .build();
            // AuthType NONE: clients authenticate with gateway API keys, which IAM cannot check, and CloudFront
            // origin access control would make every client send x-amz-content-sha256 on POST. The functions refuse
            // requests that lack the origin-verify header CloudFront adds.
            FunctionUrl url = alias.addFunctionUrl(FunctionUrlOptions.builder()
                    .authType(FunctionUrlAuthType.NONE)
                    .invokeMode(f.streaming() ? InvokeMode.RESPONSE_STREAM : InvokeMode.BUFFERED)
                    .build());
            // Logical ids as in template.yaml (SAM's implicit <Fn>Alias<name> and <Fn>Url); versions keep the
            // hashed ids CDK uses to publish a new version whenever code or configuration changes.
            logicalId(fn, f.logicalId());
            logicalId(alias, f.logicalId() + "Alias" + GatewayStackNames.ALIAS);
            logicalId(url, f.logicalId() + "Url");
            functions.put(f, fn);
            urls.put(f, url);
        }

        // --------------------------------------------------------------------------------- CloudFront
        Map<GatewayFunction, IOrigin> origins = new EnumMap<>(GatewayFunction.class);
        for (GatewayFunction f : GatewayFunction.values()) {
            int readTimeout = f.streaming() ? settings.streamingOriginReadTimeoutSeconds() : settings.originReadTimeoutSeconds();
            origins.put(f, new FunctionUrlOrigin(urls.get(f), FunctionUrlOriginProps.builder()
                    .originId(f.slug())
                    .readTimeout(Duration.seconds(readTimeout))
                    .keepaliveTimeout(Duration.seconds(settings.originKeepaliveTimeoutSeconds()))
                    .customHeaders(Map.of(GatewayStackNames.ORIGIN_VERIFY_HEADER, originSecret.getValueAsString()))
                    .build()));
        }
        distribution = Distribution.Builder.create(this, GatewayStackNames.DISTRIBUTION)
                .comment("gproxy " + Aws.STACK_NAME)
                .httpVersion(HttpVersion.HTTP2_AND_3)
                .enableIpv6(true)
                .priceClass(priceClass(settings.priceClass()))
                .defaultBehavior(behavior(origins.get(CloudFrontRoutes.DEFAULT)))
                .build();
        for (CloudFrontRoutes.Route route : CloudFrontRoutes.ROUTES) {
            distribution.addBehavior(route.pathPattern(), origins.get(route.target()), behaviorOptions());
        }
        logicalId(distribution, GatewayStackNames.DISTRIBUTION);

        // ------------------------------------------------------------------------------------ outputs
        output("GatewayUrl", "https://" + distribution.getDistributionDomainName(),
                "The one base URL for clients (OpenAI, Anthropic and Gemini SDKs), the admin API and the console.");
        output("DistributionId", distribution.getDistributionId(), null);
        for (GatewayFunction f : GatewayFunction.values()) {
            output(f.logicalId() + "Url", urls.get(f).getUrl(),
                    "Direct URL of the " + f.slug() + " function (refused without the origin-verify header; use GatewayUrl).");
        }
        output("TableName", table.getTableName(), null);
        output("SecretsKeyArn", secretsKey.getKeyArn(), null);
    }

    public Table table() {
        return table;
    }

    public Key secretsKey() {
        return secretsKey;
    }

    public Distribution distribution() {
        return distribution;
    }

    public Function function(GatewayFunction f) {
        return functions.get(f);
    }

    public FunctionUrl functionUrl(GatewayFunction f) {
        return urls.get(f);
    }

    private void setTemplateOptions() {
        getTemplateOptions().setDescription("gproxy for AWS Lambda (CDK app infra-cdk, same stack as template.yaml)");
    }

    /** One role per access level; every statement names the table, its index, the key or the log groups. */
    private Role role(GatewayFunction.Access access, List<String> logGroupArns) {
        List<PolicyStatement> statements = new ArrayList<>();
        statements.add(allow("Logs", List.of("logs:CreateLogStream", "logs:PutLogEvents"), logGroupArns));
        switch (access) {
            case MODELS, GATEWAY -> {
                // Request functions read config and write counters, settlements, usage records, health and captures;
                // a settlement deletes its reservation marker and an OAuth refresh releases its lease (DeleteItem)
                // and re-seals the rotated secret (GenerateDataKey). The models function serves scoped get_model
                // through the same pipeline, so it needs the same. IAM has no TransactWriteItems action:
                // transactions are authorised per item action, hence ConditionCheckItem.
                statements.add(allow("ReadConfigWriteCounters", List.of("dynamodb:GetItem", "dynamodb:Query",
                        "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"),
                        List.of(table.getTableArn())));
                statements.add(allow("SealAndOpenSecrets", List.of("kms:GenerateDataKey", "kms:Decrypt"),
                        List.of(secretsKey.getKeyArn())));
            }
            case ADMIN -> {
                statements.add(allow("ReadWriteTable", List.of("dynamodb:GetItem", "dynamodb:Query",
                        "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                        "dynamodb:ConditionCheckItem"), List.of(table.getTableArn())));
                statements.add(allow("QueryIndex", List.of("dynamodb:Query"),
                        List.of(table.getTableArn() + "/index/*")));
                statements.add(allow("SealAndOpenSecrets", List.of("kms:GenerateDataKey", "kms:Decrypt"),
                        List.of(secretsKey.getKeyArn())));
            }
        }
        String name = switch (access) {
            case MODELS -> "Models";
            case GATEWAY -> "Gateway";
            case ADMIN -> "Admin";
        };
        Role role = Role.Builder.create(this, name + "Role")
                .description("gproxy " + name.toLowerCase(java.util.Locale.ROOT) + " functions")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .inlinePolicies(Map.of("gproxy-" + name.toLowerCase(java.util.Locale.ROOT),
                        PolicyDocument.Builder.create().statements(statements).build()))
                .build();
        logicalId(role, name + "Role");
        return role;
    }

    /** Gives a construct's CloudFormation resource the logical id template.yaml uses (instead of a hashed path). */
    private static void logicalId(Construct construct, String id) {
        ((CfnResource) construct.getNode().getDefaultChild()).overrideLogicalId(id);
    }

    private static PolicyStatement allow(String sid, List<String> actions, List<String> resources) {
        return PolicyStatement.Builder.create()
                .sid(sid)
                .effect(Effect.ALLOW)
                .actions(actions)
                .resources(resources)
                .build();
    }

    private static BehaviorOptions behavior(IOrigin origin) {
        return BehaviorOptions.builder()
                .origin(origin)
                .viewerProtocolPolicy(ViewerProtocolPolicy.HTTPS_ONLY)
                .allowedMethods(AllowedMethods.ALLOW_ALL)
                .cachedMethods(CachedMethods.CACHE_GET_HEAD)
                .compress(false)
                .cachePolicy(CachePolicy.CACHING_DISABLED)
                .originRequestPolicy(OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER)
                .build();
    }

    private static software.amazon.awscdk.services.cloudfront.AddBehaviorOptions behaviorOptions() {
        return software.amazon.awscdk.services.cloudfront.AddBehaviorOptions.builder()
                .viewerProtocolPolicy(ViewerProtocolPolicy.HTTPS_ONLY)
                .allowedMethods(AllowedMethods.ALLOW_ALL)
                .cachedMethods(CachedMethods.CACHE_GET_HEAD)
                .compress(false)
                .cachePolicy(CachePolicy.CACHING_DISABLED)
                .originRequestPolicy(OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER)
                .build();
    }

    private static PriceClass priceClass(String name) {
        return switch (name) {
            case "PriceClass_100" -> PriceClass.PRICE_CLASS_100;
            case "PriceClass_200" -> PriceClass.PRICE_CLASS_200;
            default -> PriceClass.PRICE_CLASS_ALL;
        };
    }

    private void output(String id, String value, String description) {
        CfnOutput.Builder b = CfnOutput.Builder.create(this, id).value(value);
        if (description != null) {
            b.description(description);
        }
        b.build();
    }
}
