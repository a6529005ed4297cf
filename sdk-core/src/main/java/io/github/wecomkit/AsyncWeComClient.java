package io.github.wecomkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.wecomkit.message.MiniProgramNotice;
import io.github.wecomkit.message.SendResult;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The non-blocking face of a {@link WeComClient}, for event-loop backends (Spring WebFlux, Vert.x) and for code
 * that composes calls: each method returns at once with a {@link CompletableFuture}. Reached with
 * {@code client.async()}; thread-safe; it shares the client's token, connections, retry rules and error table.
 *
 * <pre>{@code
 * AsyncWeComClient wecom = client.async();
 * wecom.login(code)
 *         .thenCompose(session -> wecom.getUser(session.userId()))
 *         .whenComplete((member, e) -> {
 *             if (e instanceof InvalidCodeException) { ... } // the same exceptions as the blocking calls
 *         });
 * }</pre>
 *
 * <ul>
 *   <li><b>No calling thread waits.</b> With a token in hand, a call is handed to the client's async executor at
 *       once; on a cold start (or after WeCom rejected the token) the future completes when the one refresh in
 *       flight brings the token, and no thread is held meanwhile.</li>
 *   <li><b>Where calls run</b>: {@link WeComClient.Builder#asyncExecutor(java.util.concurrent.Executor)}; by
 *       default one virtual thread per call where the JDK has them (21+), and on JDK 17 a pool of
 *       {@code maxConnections} threads with a bounded queue. A call the executor refuses fails with
 *       {@link io.github.wecomkit.error.ClientBusyException}; nothing was sent.</li>
 *   <li><b>Failures</b> complete the future exceptionally with the very exception the blocking method throws
 *       ({@code InvalidCodeException}, {@code NoPrivilegeException}, {@code WeComTransportException}, ...):
 *       {@code whenComplete}/{@code exceptionally} on the returned future see it directly, {@code get()} wraps it
 *       in an {@code ExecutionException} and {@code join()} in a {@code CompletionException} as for every
 *       future, and stages you add after it see a {@code CompletionException} whose cause it is. Bad arguments
 *       ({@code NullPointerException}, {@code IllegalArgumentException}) and a closed client
 *       ({@code IllegalStateException}) are thrown by the call itself, before any future exists.</li>
 *   <li><b>Cancellation</b> ({@code future.cancel(..)}) stops the call before its next step: a call still waiting
 *       for its token or a connection is never sent, and a call whose request is on the wire is not interrupted
 *       but never retried, so a login code is never sent twice because of a cancel.</li>
 * </ul>
 *
 * <p>The other areas carry their async twins beside their blocking calls, with the same rules:
 * {@code client.messages().sendAsync(notice)}, {@code client.api().getAsync(..)} and
 * {@code client.api().postAsync(..)}; {@link #sendNotice}, {@link #get} and {@link #post} here are shortcuts to them.
 */
public final class AsyncWeComClient {
    private final WeComClient client;

    AsyncWeComClient(WeComClient client) {
        this.client = client;
    }

    /**
     * {@link WeComClient#login(String)} without blocking: exchanges a {@code wx.qy.login} code for the member's
     * session and checks the member's corp.
     *
     * @param code the code the mini-program sent; single-use, valid five minutes
     * @return a future of the session; it fails with {@code InvalidCodeException} (40029),
     *     {@code CorpMismatchException}, {@code InvalidCredentialException}, {@code TokenRejectedException},
     *     {@code WeComApiException}, {@code WeComTransportException} or {@code ClientBusyException}, as
     *     {@link WeComClient#login(String)} documents
     * @throws NullPointerException     if {@code code} is null
     * @throws IllegalArgumentException if {@code code} is blank, too long or has control characters
     * @throws IllegalStateException    if the client is closed
     */
    public CompletableFuture<LoginSession> login(String code) {
        return client.loginAsync(code);
    }

    /**
     * {@link WeComClient#getUser(String)} without blocking: reads a member ({@code user/get}).
     *
     * @param userId the member's user id
     * @return a future of the member; it fails with {@code NoPrivilegeException} (60011),
     *     {@code UserNotFoundException} (60111), {@code WeComApiException}, {@code WeComTransportException} or
     *     {@code ClientBusyException}
     * @throws NullPointerException     if {@code userId} is null
     * @throws IllegalArgumentException if {@code userId} is blank, too long or has control characters
     * @throws IllegalStateException    if the client is closed
     */
    public CompletableFuture<Member> getUser(String userId) {
        return client.getUserAsync(userId);
    }

    /**
     * Shortcut to {@link io.github.wecomkit.message.Messages#sendAsync(MiniProgramNotice)}: sends a mini-program
     * notice without blocking, never twice.
     *
     * @param notice the notice
     * @return a future of the result
     * @throws NullPointerException  if {@code notice} is null
     * @throws IllegalStateException if the client is closed
     */
    public CompletableFuture<SendResult> sendNotice(MiniProgramNotice notice) {
        return client.messages().sendAsync(notice);
    }

    /**
     * Shortcut to {@link io.github.wecomkit.api.RawApi#getAsync(String, Map)}: GETs any WeCom API with the managed
     * token without blocking.
     *
     * @param path   the API path after {@code /cgi-bin/}
     * @param params the query parameters besides {@code access_token}
     * @return a future of WeCom's JSON answer
     * @throws NullPointerException     if an argument, a parameter name or value is null
     * @throws IllegalArgumentException if the path or a parameter is malformed
     * @throws IllegalStateException    if the client is closed
     */
    public CompletableFuture<JsonNode> get(String path, Map<String, String> params) {
        return client.api().getAsync(path, params);
    }

    /**
     * Shortcut to {@link io.github.wecomkit.api.RawApi#postAsync(String, Object)}: POSTs a JSON body to any WeCom
     * API with the managed token without blocking, never twice.
     *
     * @param path the API path after {@code /cgi-bin/}
     * @param body the JSON body
     * @return a future of WeCom's JSON answer
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the path is malformed, or the body is not a JSON object
     * @throws IllegalStateException    if the client is closed
     */
    public CompletableFuture<JsonNode> post(String path, Object body) {
        return client.api().postAsync(path, body);
    }

    /** @return the client's description and where its async calls run; never a secret or a token */
    @Override
    public String toString() {
        return "AsyncWeComClient{" + client + ", executor=" + client.asyncExecutorDescription() + "}";
    }
}
