package io.github.wecomkit.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.github.wecomkit.error.WeComDecodeException;
import io.github.wecomkit.internal.ApiCaller.Resend;
import io.github.wecomkit.internal.Inputs;
import io.github.wecomkit.internal.Internals;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Calls any WeCom API that wecomkit does not wrap, with the client's managed access token, its error table and
 * its retry rules; reached with {@code client.api()} (and the shortcuts {@code client.get(..)},
 * {@code client.post(..)}). JSON goes in; a Jackson {@link JsonNode} or a type of yours comes out. Thread-safe.
 *
 * <pre>{@code
 * JsonNode departments = client.get("department/list", Map.of("id", "1"));
 * List<String> names = new ArrayList<>();
 * for (JsonNode d : departments.path("department")) {
 *     names.add(d.path("name").asText());
 * }
 * JsonNode created = client.post("tag/create", Map.of("tagname", "Backend"));
 * }</pre>
 *
 * <ul>
 *   <li><b>Paths</b> are what follows {@code /cgi-bin/} in WeCom's docs, e.g. {@code user/list_id}: letters,
 *       digits, {@code _} and {@code -} in segments joined by {@code /}. A scheme, host, leading {@code /},
 *       {@code .} or {@code ..} segment, {@code ?}, {@code #}, space or control character is refused before any
 *       call, so a path can never leave WeCom's API.</li>
 *   <li><b>Parameters</b> are URL-encoded by wecomkit; {@code access_token} is added by wecomkit and refused as
 *       a parameter.</li>
 *   <li><b>Errors</b>: a non-zero {@code errcode} becomes the typed exception of
 *       {@link io.github.wecomkit.error.WeComErrorCode}; a rejected token (40014, 42001) is replaced and the call
 *       made once more, as for every other call.</li>
 *   <li><b>Retries</b>: errcode -1 (busy, nothing done) is retried for every call. A POST changes something in
 *       WeCom, so after a transport failure it is re-sent only when it cannot have reached WeCom. WeCom's GET APIs
 *       are reads, so a GET is re-sent after a reset, a timeout or a 5xx, except when it carries a single-use
 *       {@code code}, {@code js_code} or {@code auth_code}: such a GET is treated like a POST.</li>
 * </ul>
 *
 * <p>Answers are mapped leniently: unknown fields are ignored when a type is given. JSON is written and read with
 * a plain Jackson {@code ObjectMapper}; for Java time types or custom naming, post a {@code JsonNode} or a
 * {@code Map} you built and read the {@code JsonNode} with your own mapper.
 */
public final class RawApi {
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ObjectReader RAW_READER = JSON.readerFor(RawReply.class);
    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*");
    private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");
    /** Parameters whose values are single-use: a GET carrying one is not re-sent once it may have arrived. */
    private static final Set<String> SINGLE_USE = Set.of("code", "js_code", "auth_code");
    private static final String[] NO_SECRETS = {};

    static {
        Internals.area(RawApi.class, RawApi::new);
    }

    private final Internals.AreaContext client;

    private RawApi(Internals.AreaContext client) {
        this.client = client;
    }

    /**
     * GETs {@code path} with the managed token.
     *
     * @param path   the API path after {@code /cgi-bin/}, e.g. {@code department/list}
     * @param params the query parameters besides {@code access_token}; may be empty
     * @return WeCom's JSON answer (an object), errcode included
     * @throws NullPointerException     if an argument, a parameter name or value is null
     * @throws IllegalArgumentException if the path or a parameter is malformed, or a parameter is
     *                                  {@code access_token}
     * @throws io.github.wecomkit.error.WeComApiException       WeCom answered a non-zero errcode (typed per table)
     * @throws io.github.wecomkit.error.WeComTransportException WeCom could not be reached
     * @throws WeComDecodeException                             the answer is not a JSON object
     */
    public JsonNode get(String path, Map<String, String> params) {
        String api = checkPath(path);
        String[] query = query(params);
        client.open().run();
        RawReply reply = client.api().get(api, resendForGet(params), RAW_READER, query);
        return reply.tree;
    }

    /**
     * GETs {@code path} and maps the answer onto {@code type}.
     *
     * @param path   the API path after {@code /cgi-bin/}
     * @param params the query parameters besides {@code access_token}
     * @param type   a Jackson-mappable type (a record, a bean, {@code Map.class}); unknown fields are ignored
     * @param <T>    the result type
     * @return the answer as {@code type}
     * @throws WeComDecodeException the answer does not fit {@code type}
     * @see #get(String, Map)
     */
    public <T> T get(String path, Map<String, String> params, Class<T> type) {
        Objects.requireNonNull(type, "type == null");
        return map(path, get(path, params), type);
    }

    /**
     * POSTs a JSON body to {@code path} with the managed token. Never re-sent once it may have reached WeCom: a
     * {@link io.github.wecomkit.error.WeComTransportException} with {@code mayHaveReachedWeCom()} means WeCom may
     * have acted on it.
     *
     * @param path the API path after {@code /cgi-bin/}, e.g. {@code tag/create}
     * @param body a {@code Map}, a {@code JsonNode}, JSON text (a {@code String}), or any Jackson-serialisable
     *             object; it must be a JSON object, as every WeCom body is
     * @return WeCom's JSON answer (an object), errcode included
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the path is malformed, or the body is not a JSON object
     * @throws io.github.wecomkit.error.WeComApiException       WeCom answered a non-zero errcode (typed per table)
     * @throws io.github.wecomkit.error.WeComTransportException WeCom could not be reached, or may have been
     * @throws WeComDecodeException                             the answer is not a JSON object
     */
    public JsonNode post(String path, Object body) {
        String api = checkPath(path);
        byte[] json = body(body);
        client.open().run();
        RawReply reply = client.api().post(api, Resend.ONLY_IF_NOT_SENT, RAW_READER, json, NO_SECRETS);
        return reply.tree;
    }

    /**
     * POSTs a JSON body to {@code path} and maps the answer onto {@code type}.
     *
     * @param path the API path after {@code /cgi-bin/}
     * @param body the JSON body, as for {@link #post(String, Object)}
     * @param type a Jackson-mappable type; unknown fields are ignored
     * @param <T>  the result type
     * @return the answer as {@code type}
     * @throws WeComDecodeException the answer does not fit {@code type}
     * @see #post(String, Object)
     */
    public <T> T post(String path, Object body, Class<T> type) {
        Objects.requireNonNull(type, "type == null");
        return map(path, post(path, body), type);
    }

    /**
     * {@link #get(String, Map)} without blocking, on the client's async executor (see
     * {@link io.github.wecomkit.AsyncWeComClient} for where calls run, failures and cancellation).
     *
     * @param path   the API path after {@code /cgi-bin/}
     * @param params the query parameters besides {@code access_token}
     * @return a future of WeCom's JSON answer; it fails with the exceptions {@link #get(String, Map)} throws, or
     *     {@link io.github.wecomkit.error.ClientBusyException} if the async executor refuses the call
     * @throws NullPointerException     if an argument, a parameter name or value is null
     * @throws IllegalArgumentException if the path or a parameter is malformed
     * @throws IllegalStateException    if the client is closed
     */
    public CompletableFuture<JsonNode> getAsync(String path, Map<String, String> params) {
        return getAsync(path, params, reply -> reply.tree);
    }

    /**
     * {@link #get(String, Map, Class)} without blocking; the answer is mapped on the async executor.
     *
     * @param path   the API path after {@code /cgi-bin/}
     * @param params the query parameters besides {@code access_token}
     * @param type   a Jackson-mappable type
     * @param <T>    the result type
     * @return a future of the answer as {@code type}; it fails with {@link WeComDecodeException} if the answer
     *     does not fit
     * @see #getAsync(String, Map)
     */
    public <T> CompletableFuture<T> getAsync(String path, Map<String, String> params, Class<T> type) {
        Objects.requireNonNull(type, "type == null");
        return getAsync(path, params, reply -> map(path, reply.tree, type));
    }

    private <R> CompletableFuture<R> getAsync(String path, Map<String, String> params,
                                              Function<RawReply, R> result) {
        String api = checkPath(path);
        String[] query = query(params);
        client.open().run();
        return client.api().getAsync(api, resendForGet(params), RAW_READER, result, query);
    }

    /**
     * {@link #post(String, Object)} without blocking. Never re-sent once it may have reached WeCom, and a cancel
     * never makes it go out twice.
     *
     * @param path the API path after {@code /cgi-bin/}
     * @param body the JSON body, as for {@link #post(String, Object)}; serialised before this method returns
     * @return a future of WeCom's JSON answer; it fails with the exceptions {@link #post(String, Object)} throws,
     *     or {@link io.github.wecomkit.error.ClientBusyException} if the async executor refuses the call
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the path is malformed, or the body is not a JSON object
     * @throws IllegalStateException    if the client is closed
     */
    public CompletableFuture<JsonNode> postAsync(String path, Object body) {
        return postAsync(path, body, reply -> reply.tree);
    }

    /**
     * {@link #post(String, Object, Class)} without blocking; the answer is mapped on the async executor.
     *
     * @param path the API path after {@code /cgi-bin/}
     * @param body the JSON body, as for {@link #post(String, Object)}
     * @param type a Jackson-mappable type
     * @param <T>  the result type
     * @return a future of the answer as {@code type}; it fails with {@link WeComDecodeException} if the answer
     *     does not fit
     * @see #postAsync(String, Object)
     */
    public <T> CompletableFuture<T> postAsync(String path, Object body, Class<T> type) {
        Objects.requireNonNull(type, "type == null");
        return postAsync(path, body, reply -> map(path, reply.tree, type));
    }

    private <R> CompletableFuture<R> postAsync(String path, Object body, Function<RawReply, R> result) {
        String api = checkPath(path);
        byte[] json = body(body);
        client.open().run();
        return client.api().postAsync(api, Resend.ONLY_IF_NOT_SENT, RAW_READER, json, NO_SECRETS, result);
    }

    /**
     * The access token in hand, fetched first if there is none: for code that must hand the token to something
     * wecomkit cannot call for you. A last resort: a caller that uses it must itself handle a rejected token
     * (40014/42001) and WeCom's errors, and it carries a credential out of the SDK. wecomkit never logs it; neither
     * should you, and never send it to a front end (WeCom says so too).
     *
     * @return the token's value
     * @throws io.github.wecomkit.error.WeComException if no token can be fetched
     */
    public String accessToken() {
        client.open().run();
        return client.api().tokens().token().value();
    }

    @Override
    public String toString() {
        return "RawApi{corpId=" + client.corpId() + "}";
    }

    static String checkPath(String path) {
        Objects.requireNonNull(path, "path == null");
        if (path.startsWith("/")) {
            throw new IllegalArgumentException("path is relative to /cgi-bin/, without a leading '/' (e.g."
                    + " user/get)");
        }
        if (path.length() > 256 || !PATH.matcher(path).matches()) {
            throw new IllegalArgumentException("path must be segments of letters, digits, '_' and '-' joined by"
                    + " '/', at most 256 characters: no scheme, host, '.', '..', '?', '#', space or control"
                    + " character");
        }
        if (path.equals("cgi-bin") || path.startsWith("cgi-bin/")) {
            throw new IllegalArgumentException("path is relative to /cgi-bin/: leave the cgi-bin/ prefix out");
        }
        return path;
    }

    private static String[] query(Map<String, String> params) {
        Objects.requireNonNull(params, "params == null");
        String[] query = new String[params.size() * 2];
        int i = 0;
        for (Map.Entry<String, String> e : params.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "params name == null");
            if (!PARAM_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("params name must be 1 to 64 letters, digits or '_'");
            }
            if (name.toLowerCase(Locale.ROOT).equals("access_token")) {
                throw new IllegalArgumentException("params must not contain access_token: wecomkit adds the"
                        + " managed token itself");
            }
            String value = Objects.requireNonNull(e.getValue(), () -> "params value of " + name + " == null");
            if (value.length() > Inputs.MAX_LENGTH) {
                throw new IllegalArgumentException("params value of " + name + " is too long: at most "
                        + Inputs.MAX_LENGTH + " chars");
            }
            for (int c = 0; c < value.length(); c++) {
                if (Character.isISOControl(value.charAt(c))) {
                    throw new IllegalArgumentException("params value of " + name + " contains a control"
                            + " character at index " + c);
                }
            }
            query[i++] = name;
            query[i++] = value;
        }
        return query;
    }

    private static Resend resendForGet(Map<String, String> params) {
        for (String name : params.keySet()) {
            if (SINGLE_USE.contains(name.toLowerCase(Locale.ROOT))) {
                return Resend.ONLY_IF_NOT_SENT;
            }
        }
        return Resend.IDEMPOTENT;
    }

    private static byte[] body(Object body) {
        Objects.requireNonNull(body, "body == null");
        JsonNode tree;
        if (body instanceof CharSequence) {
            try {
                tree = JSON.readTree(body.toString());
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("body is not JSON text (" + e.getClass().getSimpleName() + ")");
            }
        } else {
            try {
                tree = JSON.valueToTree(body);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("body cannot be written as JSON ("
                        + (e.getCause() == null ? e : e.getCause()).getClass().getSimpleName() + ")");
            }
        }
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("body must be a JSON object, as every WeCom request body is");
        }
        try {
            return JSON.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    private static <T> T map(String api, JsonNode tree, Class<T> type) {
        try {
            return JSON.treeToValue(tree, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // Jackson's message quotes the values; keep only what kind of mismatch it was.
            throw new WeComDecodeException("WeCom's answer does not fit " + type.getSimpleName() + " ("
                    + e.getClass().getSimpleName() + ")", api, null);
        }
    }
}
