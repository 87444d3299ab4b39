package io.gproxy.infra;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Static checks on template.yaml (no offline SAM validator is usable, spec/aws.md B7): references resolve, every
 * handler exists in the functions module, the function settings, routes and permissions match the CDK stack's
 * tables ({@link GatewayFunction}, {@link CloudFrontRoutes}), least privilege holds.
 */
class SamTemplateTest {

    private static final Set<String> PSEUDO_PARAMETERS = Set.of("AWS::AccountId", "AWS::NotificationARNs",
            "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix");

    private static JsonNode template;
    private static JsonNode resources;
    private static JsonNode parameters;
    private static JsonNode globals;

    @BeforeAll
    static void parse() throws Exception {
        Path file = repoRoot().resolve("template.yaml");
        assertTrue(Files.isRegularFile(file), "template.yaml not found at " + file);
        template = CfnYaml.read(file);
        resources = template.path("Resources");
        parameters = template.path("Parameters");
        globals = template.path("Globals").path("Function");
        assertEquals("AWS::Serverless-2016-10-31", template.path("Transform").asText());
    }

    static Path repoRoot() {
        String root = System.getProperty("gproxy.repo.root");
        return (root == null ? Path.of("..") : Path.of(root)).toAbsolutePath().normalize();
    }

    // ---------------------------------------------------------------------------------------- references

    @Test
    void everyReferenceResolves() {
        Set<String> names = new HashSet<>();
        resources.fieldNames().forEachRemaining(names::add);
        Set<String> params = new HashSet<>();
        parameters.fieldNames().forEachRemaining(params::add);
        Set<String> implicit = samImplicitResources();
        Set<String> conditions = new HashSet<>();
        template.path("Conditions").fieldNames().forEachRemaining(conditions::add);

        List<String> problems = new ArrayList<>();
        CfnYaml.forEachObject(template, node -> {
            if (node.has("Ref") && node.size() == 1) {
                String target = node.get("Ref").asText();
                if (!names.contains(target) && !params.contains(target) && !PSEUDO_PARAMETERS.contains(target)
                        && !implicit.contains(target)) {
                    problems.add("Ref " + target);
                }
            }
            if (node.has("Fn::GetAtt") && node.size() == 1) {
                JsonNode args = node.get("Fn::GetAtt");
                String target = args.get(0).asText();
                if (!names.contains(target) && !implicit.contains(target)) {
                    problems.add("GetAtt " + target);
                }
                if (args.get(1).asText().isEmpty()) {
                    problems.add("GetAtt without attribute: " + target);
                }
            }
            if (node.has("Fn::Sub") && node.size() == 1) {
                JsonNode sub = node.get("Fn::Sub");
                String text = sub.isArray() ? sub.get(0).asText() : sub.asText();
                Set<String> local = new HashSet<>();
                if (sub.isArray() && sub.size() > 1) {
                    sub.get(1).fieldNames().forEachRemaining(local::add);
                }
                for (String var : CfnYaml.subVariables(text)) {
                    String head = var.contains(".") && !var.startsWith("AWS::") ? var.substring(0, var.indexOf('.')) : var;
                    if (!local.contains(head) && !names.contains(head) && !params.contains(head)
                            && !PSEUDO_PARAMETERS.contains(head) && !implicit.contains(head)) {
                        problems.add("Sub ${" + var + "}");
                    }
                }
            }
            if (node.has("Fn::If") && node.size() == 1) {
                String condition = node.get("Fn::If").get(0).asText();
                if (!conditions.contains(condition)) {
                    problems.add("If " + condition);
                }
            }
        });
        assertTrue(problems.isEmpty(), "dangling references: " + problems);
    }

    /** Resources SAM generates from a function: its URL, alias, role and version. */
    private static Set<String> samImplicitResources() {
        Set<String> out = new HashSet<>();
        resources.fields().forEachRemaining(e -> {
            if (e.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                String fn = e.getKey();
                out.add(fn + "Url");
                out.add(fn + "Alias" + GatewayStackNames.ALIAS);
                out.add(fn + "Alias");
                out.add(fn + "Role");
                out.add(fn + "Version");
            }
        });
        return out;
    }

    // ------------------------------------------------------------------------------------------ functions

    @Test
    void functionsAreTheEightGroupsOfTheDesign() {
        Set<String> declared = new HashSet<>();
        resources.fields().forEachRemaining(e -> {
            if (e.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                declared.add(e.getKey());
            }
        });
        Set<String> expected = new HashSet<>();
        for (GatewayFunction f : GatewayFunction.values()) {
            expected.add(f.logicalId());
        }
        assertEquals(expected, declared);
    }

    @Test
    void everyHandlerResolvesToARequestStreamHandlerMethod() throws Exception {
        for (GatewayFunction f : GatewayFunction.values()) {
            String handler = function(f).path("Properties").path("Handler").asText();
            assertEquals(f.handler(), handler, f.logicalId());
            int sep = handler.indexOf("::");
            String className = sep < 0 ? handler : handler.substring(0, sep);
            String methodName = sep < 0 ? "handleRequest" : handler.substring(sep + 2);
            Class<?> type;
            try {
                type = Class.forName(className, false, getClass().getClassLoader());
            } catch (ClassNotFoundException e) {
                fail("handler class " + className + " of " + f.logicalId() + " is not in the functions module", e);
                return;
            }
            assertFalse(Modifier.isAbstract(type.getModifiers()), className + " must be concrete");
            Class<?> streamHandler = Class.forName("com.amazonaws.services.lambda.runtime.RequestStreamHandler");
            Class<?> context = Class.forName("com.amazonaws.services.lambda.runtime.Context");
            assertTrue(streamHandler.isAssignableFrom(type), className + " must implement RequestStreamHandler");
            Method m = type.getMethod(methodName, InputStream.class, OutputStream.class, context);
            assertTrue(Modifier.isPublic(m.getModifiers()), handler);
            type.getConstructor(); // the runtime instantiates the handler with its no-argument constructor
        }
    }

    @Test
    void globalsSetJava21Arm64SnapStartAndTheLiveAlias() {
        assertEquals("java21", globals.path("Runtime").asText());
        assertEquals("arm64", globals.path("Architectures").get(0).asText());
        assertEquals(1, globals.path("Architectures").size());
        assertEquals("PublishedVersions", globals.path("SnapStart").path("ApplyOn").asText());
        assertEquals(GatewayStackNames.ALIAS, globals.path("AutoPublishAlias").asText());
        assertEquals(GatewayStackNames.ASSET, globals.path("CodeUri").asText());
        for (GatewayFunction f : GatewayFunction.values()) {
            JsonNode props = function(f).path("Properties");
            for (String overridden : List.of("Runtime", "Architectures", "SnapStart", "AutoPublishAlias", "CodeUri")) {
                assertTrue(props.path(overridden).isMissingNode(), f.logicalId() + " must not override " + overridden);
            }
        }
    }

    @Test
    void environmentCarriesTheGatewaySettings() {
        JsonNode env = globals.path("Environment").path("Variables");
        assertEquals(ref(GatewayStackNames.TABLE), env.path(GatewayStackNames.ENV_TABLE));
        assertEquals(getAtt(GatewayStackNames.KEY, "Arn"), env.path(GatewayStackNames.ENV_KMS_KEY));
        assertEquals(GatewayStackNames.MAX_BODY_BYTES, env.path(GatewayStackNames.ENV_MAX_BODY_BYTES).asText());
        assertEquals(ref("ConfigRefreshMs"), env.path(GatewayStackNames.ENV_CONFIG_REFRESH_MS));
        assertEquals(ref("MaxAttempts"), env.path(GatewayStackNames.ENV_MAX_ATTEMPTS));
        assertEquals(ref("JavaToolOptions"), env.path(GatewayStackNames.ENV_JAVA_TOOL_OPTIONS));
        assertTrue(env.path(GatewayStackNames.ENV_ORIGIN_SECRET).toString().contains("\"Ref\":\"OriginVerifySecret\""));
        assertTrue(env.path(GatewayStackNames.ENV_EXEC_WRAPPER).isMissingNode(), "the exec wrapper is not global");
        assertTrue(parameters.path("OriginVerifySecret").path("NoEcho").asBoolean());
        assertTrue(parameters.path("ExtraOriginVerifySecret").path("NoEcho").asBoolean());
        assertEquals(GatewaySettings.DEFAULT_JAVA_TOOL_OPTIONS, parameters.path("JavaToolOptions").path("Default").asText());
    }

    @Test
    void onlyGenerateContentStreamsAndRunsTheExecWrapper() {
        for (GatewayFunction f : GatewayFunction.values()) {
            JsonNode props = function(f).path("Properties");
            JsonNode url = props.path("FunctionUrlConfig");
            assertEquals("NONE", url.path("AuthType").asText(), f.logicalId());
            assertEquals(f.streaming() ? "RESPONSE_STREAM" : "BUFFERED", url.path("InvokeMode").asText(), f.logicalId());
            JsonNode wrapper = props.path("Environment").path("Variables").path(GatewayStackNames.ENV_EXEC_WRAPPER);
            if (f.streaming()) {
                assertEquals(GatewayStackNames.EXEC_WRAPPER, wrapper.asText());
            } else {
                assertTrue(wrapper.isMissingNode(), f.logicalId() + " must use the managed runtime client");
            }
        }
        assertEquals(GatewayFunction.GENERATE_CONTENT, single(GatewayFunction.values(), GatewayFunction::streaming));
    }

    @Test
    void memoryAndTimeoutAreParametersWithTheCdkDefaults() {
        for (GatewayFunction f : GatewayFunction.values()) {
            JsonNode props = function(f).path("Properties");
            assertEquals(ref(f.memoryParameter()), props.path("MemorySize"), f.logicalId());
            assertEquals(ref(f.timeoutParameter()), props.path("Timeout"), f.logicalId());
            assertEquals(f.defaultMemoryMb(), parameters.path(f.memoryParameter()).path("Default").asInt(), f.memoryParameter());
            assertEquals(f.defaultTimeoutSeconds(), parameters.path(f.timeoutParameter()).path("Default").asInt(), f.timeoutParameter());
        }
        GatewaySettings defaults = GatewaySettings.defaults();
        assertEquals(defaults.logRetentionDays(), parameters.path("LogRetentionDays").path("Default").asInt());
        assertEquals(defaults.configRefreshMs(), parameters.path("ConfigRefreshMs").path("Default").asInt());
        assertEquals(defaults.maxAttempts(), parameters.path("MaxAttempts").path("Default").asInt());
        assertEquals(defaults.streamingOriginReadTimeoutSeconds(), parameters.path("StreamingOriginReadTimeout").path("Default").asInt());
        assertEquals(defaults.originReadTimeoutSeconds(), parameters.path("OriginReadTimeout").path("Default").asInt());
        assertEquals(defaults.originKeepaliveTimeoutSeconds(), parameters.path("OriginKeepaliveTimeout").path("Default").asInt());
        assertEquals(defaults.priceClass(), parameters.path("PriceClass").path("Default").asText());
        assertEquals(defaults.tableName(), parameters.path("TableName").path("Default").asText());
    }

    @Test
    void everyFunctionLogsToItsOwnRetainedPeriodLogGroup() {
        for (GatewayFunction f : GatewayFunction.values()) {
            JsonNode props = function(f).path("Properties");
            assertEquals(ref(f.logGroupLogicalId()), props.path("LoggingConfig").path("LogGroup"), f.logicalId());
            JsonNode group = resources.path(f.logGroupLogicalId());
            assertEquals("AWS::Logs::LogGroup", group.path("Type").asText());
            assertEquals(ref("LogRetentionDays"), group.path("Properties").path("RetentionInDays"));
            assertTrue(group.path("Properties").path("LogGroupName").toString().endsWith("/" + f.slug() + "\"}"),
                    group.path("Properties").path("LogGroupName").toString());
        }
    }

    // -------------------------------------------------------------------------------------------- state

    @Test
    void tableIsOnDemandWithTtlGsiAndPointInTimeRecoveryAndRetained() {
        JsonNode table = resources.path(GatewayStackNames.TABLE);
        JsonNode props = table.path("Properties");
        assertEquals("AWS::DynamoDB::Table", table.path("Type").asText());
        assertEquals("Retain", table.path("DeletionPolicy").asText());
        assertEquals("Retain", table.path("UpdateReplacePolicy").asText());
        assertEquals("PAY_PER_REQUEST", props.path("BillingMode").asText());
        assertEquals("ttl", props.path("TimeToLiveSpecification").path("AttributeName").asText());
        assertTrue(props.path("TimeToLiveSpecification").path("Enabled").asBoolean());
        assertTrue(props.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean());
        assertEquals("pk", props.path("KeySchema").get(0).path("AttributeName").asText());
        assertEquals("HASH", props.path("KeySchema").get(0).path("KeyType").asText());
        assertEquals("sk", props.path("KeySchema").get(1).path("AttributeName").asText());
        JsonNode gsi = props.path("GlobalSecondaryIndexes").get(0);
        assertEquals("gsi1", gsi.path("IndexName").asText());
        assertEquals("gsi1pk", gsi.path("KeySchema").get(0).path("AttributeName").asText());
        assertEquals("gsi1sk", gsi.path("KeySchema").get(1).path("AttributeName").asText());
        assertEquals("ALL", gsi.path("Projection").path("ProjectionType").asText());
    }

    @Test
    void keyRotatesAndIsRetained() {
        JsonNode key = resources.path(GatewayStackNames.KEY);
        assertEquals("AWS::KMS::Key", key.path("Type").asText());
        assertEquals("Retain", key.path("DeletionPolicy").asText());
        assertEquals("Retain", key.path("UpdateReplacePolicy").asText());
        assertTrue(key.path("Properties").path("EnableKeyRotation").asBoolean());
    }

    // ---------------------------------------------------------------------------------------------- IAM

    @Test
    void everyFunctionRunsWithTheRoleOfItsAccessLevel() {
        for (GatewayFunction f : GatewayFunction.values()) {
            String role = switch (f.access()) {
                case MODELS -> "ModelsRole";
                case GATEWAY -> "GatewayRole";
                case ADMIN -> "AdminRole";
            };
            assertEquals(getAtt(role, "Arn"), function(f).path("Properties").path("Role"), f.logicalId());
            assertTrue(function(f).path("Properties").path("Policies").isMissingNode(), "no SAM policy templates");
        }
    }

    @Test
    void policiesAreScopedToTheTableTheKeyAndTheLogGroups() {
        Map<String, List<JsonNode>> statementsByRole = new LinkedHashMap<>();
        resources.fields().forEachRemaining(e -> {
            if (e.getValue().path("Type").asText().equals("AWS::IAM::Role")) {
                List<JsonNode> statements = new ArrayList<>();
                for (JsonNode policy : e.getValue().path("Properties").path("Policies")) {
                    policy.path("PolicyDocument").path("Statement").forEach(statements::add);
                }
                assertTrue(e.getValue().path("Properties").path("ManagedPolicyArns").isMissingNode(),
                        e.getKey() + " must not attach managed policies");
                statementsByRole.put(e.getKey(), statements);
            }
        });
        assertEquals(Set.of("ModelsRole", "GatewayRole", "AdminRole"), statementsByRole.keySet());
        for (Map.Entry<String, List<JsonNode>> e : statementsByRole.entrySet()) {
            for (JsonNode s : e.getValue()) {
                assertEquals("Allow", s.path("Effect").asText());
                List<String> actions = texts(s.path("Action"));
                JsonNode resourceList = s.path("Resource");
                assertTrue(resourceList.isArray() && !resourceList.isEmpty(), e.getKey() + " " + s);
                for (JsonNode r : resourceList) {
                    assertFalse(r.isTextual() && r.asText().contains("*"), e.getKey() + " has a wildcard resource: " + s);
                    String target = r.toString();
                    if (actions.stream().allMatch(a -> a.startsWith("dynamodb:"))) {
                        assertTrue(target.equals(getAtt(GatewayStackNames.TABLE, "Arn").toString())
                                || target.contains("${" + GatewayStackNames.TABLE + ".Arn}/index/"), e.getKey() + " " + s);
                    } else if (actions.stream().allMatch(a -> a.startsWith("kms:"))) {
                        assertEquals(getAtt(GatewayStackNames.KEY, "Arn").toString(), target, e.getKey());
                    } else if (actions.stream().allMatch(a -> a.startsWith("logs:"))) {
                        assertTrue(target.contains("LogGroup\",\"Arn\"]"), e.getKey() + " " + s);
                    } else {
                        fail(e.getKey() + " mixes services in one statement: " + s);
                    }
                }
            }
        }
        Set<String> models = actions(statementsByRole.get("ModelsRole"));
        Set<String> gateway = actions(statementsByRole.get("GatewayRole"));
        Set<String> admin = actions(statementsByRole.get("AdminRole"));
        // request functions: settlement deletes its reservation marker, refresh releases a lease and re-seals
        assertEquals(Set.of("logs:CreateLogStream", "logs:PutLogEvents", "dynamodb:GetItem", "dynamodb:Query",
                "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem",
                "kms:GenerateDataKey", "kms:Decrypt"), gateway);
        assertEquals(gateway, models, "scoped get_model runs the same pipeline");
        assertEquals(Set.of("logs:CreateLogStream", "logs:PutLogEvents", "dynamodb:GetItem", "dynamodb:Query",
                "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem",
                "kms:GenerateDataKey", "kms:Decrypt"), admin);
    }

    // --------------------------------------------------------------------------------------- CloudFront

    @Test
    void cloudFrontBehavioursAreTheRoutesOfTheCdkStackInOrder() {
        JsonNode config = resources.path(GatewayStackNames.DISTRIBUTION).path("Properties").path("DistributionConfig");
        List<String> actual = new ArrayList<>();
        for (JsonNode b : config.path("CacheBehaviors")) {
            actual.add(b.path("PathPattern").asText() + " -> " + b.path("TargetOriginId").asText());
            assertBehaviourBasics(b);
        }
        List<String> expected = new ArrayList<>();
        for (CloudFrontRoutes.Route r : CloudFrontRoutes.ROUTES) {
            expected.add(r.pathPattern() + " -> " + r.target().slug());
        }
        assertEquals(expected, actual);
        JsonNode defaults = config.path("DefaultCacheBehavior");
        assertEquals(CloudFrontRoutes.DEFAULT.slug(), defaults.path("TargetOriginId").asText());
        assertBehaviourBasics(defaults);
        assertEquals("http2and3", config.path("HttpVersion").asText());
    }

    @Test
    void everyOriginIsItsFunctionUrlWithTheOriginVerifyHeader() {
        JsonNode config = resources.path(GatewayStackNames.DISTRIBUTION).path("Properties").path("DistributionConfig");
        Set<String> ids = new HashSet<>();
        for (JsonNode origin : config.path("Origins")) {
            String id = origin.path("Id").asText();
            ids.add(id);
            GatewayFunction f = bySlug(id);
            String domain = origin.path("DomainName").toString();
            assertTrue(domain.contains("[\"" + f.logicalId() + "Url\",\"FunctionUrl\"]"), id + ": " + domain);
            assertTrue(domain.contains("Fn::Select") && domain.contains("Fn::Split"), domain);
            JsonNode custom = origin.path("CustomOriginConfig");
            assertEquals("https-only", custom.path("OriginProtocolPolicy").asText());
            assertEquals(ref(f.streaming() ? "StreamingOriginReadTimeout" : "OriginReadTimeout"),
                    custom.path("OriginReadTimeout"), id);
            assertEquals(ref("OriginKeepaliveTimeout"), custom.path("OriginKeepaliveTimeout"), id);
            JsonNode headers = origin.path("OriginCustomHeaders");
            assertEquals(1, headers.size(), id);
            assertEquals(GatewayStackNames.ORIGIN_VERIFY_HEADER, headers.get(0).path("HeaderName").asText());
            assertEquals(ref("OriginVerifySecret"), headers.get(0).path("HeaderValue"));
        }
        Set<String> expected = new HashSet<>();
        for (GatewayFunction f : GatewayFunction.values()) {
            expected.add(f.slug());
        }
        assertEquals(expected, ids);
    }

    @Test
    void outputsNameTheGatewayUrlEveryFunctionUrlTheTableAndTheKey() {
        JsonNode outputs = template.path("Outputs");
        assertTrue(outputs.path("GatewayUrl").path("Value").toString().contains("${Distribution.DomainName}"));
        for (GatewayFunction f : GatewayFunction.values()) {
            assertEquals(getAtt(f.logicalId() + "Url", "FunctionUrl"), outputs.path(f.logicalId() + "Url").path("Value"));
        }
        assertEquals(ref(GatewayStackNames.TABLE), outputs.path("TableName").path("Value"));
        assertEquals(getAtt(GatewayStackNames.KEY, "Arn"), outputs.path("SecretsKeyArn").path("Value"));
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static void assertBehaviourBasics(JsonNode b) {
        assertEquals("https-only", b.path("ViewerProtocolPolicy").asText());
        assertEquals(Set.of("GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"), new HashSet<>(texts(b.path("AllowedMethods"))));
        assertEquals(GatewayStackNames.CACHING_DISABLED_POLICY_ID, b.path("CachePolicyId").asText());
        assertEquals(GatewayStackNames.ALL_VIEWER_EXCEPT_HOST_POLICY_ID, b.path("OriginRequestPolicyId").asText());
        assertFalse(b.path("Compress").asBoolean(true));
    }

    private static JsonNode function(GatewayFunction f) {
        JsonNode fn = resources.path(f.logicalId());
        assertEquals("AWS::Serverless::Function", fn.path("Type").asText(), f.logicalId());
        return fn;
    }

    private static GatewayFunction bySlug(String slug) {
        for (GatewayFunction f : GatewayFunction.values()) {
            if (f.slug().equals(slug)) {
                return f;
            }
        }
        throw new AssertionError("no function for origin " + slug);
    }

    private static JsonNode ref(String name) {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("Ref", name);
    }

    private static JsonNode getAtt(String resource, String attribute) {
        var f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        var o = f.objectNode();
        o.set("Fn::GetAtt", f.arrayNode().add(resource).add(attribute));
        return o;
    }

    private static List<String> texts(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (!node.isMissingNode()) {
            out.add(node.asText());
        }
        return out;
    }

    private static Set<String> actions(List<JsonNode> statements) {
        Set<String> out = new HashSet<>();
        for (JsonNode s : statements) {
            out.addAll(texts(s.path("Action")));
        }
        return out;
    }

    private static <T> T single(T[] values, java.util.function.Predicate<T> p) {
        T found = null;
        for (T v : values) {
            if (p.test(v)) {
                assertNotNull(v);
                if (found != null) {
                    fail("more than one: " + found + ", " + v);
                }
                found = v;
            }
        }
        return found;
    }
}
