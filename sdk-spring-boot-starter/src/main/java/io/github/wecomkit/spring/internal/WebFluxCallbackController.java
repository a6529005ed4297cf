package io.github.wecomkit.spring.internal;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The callback endpoint on WebFlux, at {@code wecom.callback.path}. Event listeners may block (a database write),
 * so events are published on the bounded-elastic scheduler, never on an event-loop thread.
 */
@RestController
public class WebFluxCallbackController {
    private final CallbackEndpoint endpoint;

    /**
     * @param endpoint what the requests are handed to
     */
    public WebFluxCallbackController(CallbackEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** URL verification: no listener runs, so it is answered on the spot. */
    @GetMapping("${wecom.callback.path:/wecom/callback}")
    public ResponseEntity<String> verify(@RequestParam(name = "msg_signature", required = false) String msgSignature,
                                         @RequestParam(name = "timestamp", required = false) String timestamp,
                                         @RequestParam(name = "nonce", required = false) String nonce,
                                         @RequestParam(name = "echostr", required = false) String echostr) {
        return MvcCallbackController.answer(endpoint.verify(msgSignature, timestamp, nonce, echostr));
    }

    /** An event; the body is joined up to a bound. */
    @PostMapping("${wecom.callback.path:/wecom/callback}")
    public Mono<ResponseEntity<String>> receive(
            @RequestParam(name = "msg_signature", required = false) String msgSignature,
            @RequestParam(name = "timestamp", required = false) String timestamp,
            @RequestParam(name = "nonce", required = false) String nonce,
            ServerHttpRequest request) {
        return DataBufferUtils.join(request.getBody(), CallbackEndpoint.MAX_READ_BYTES)
                .map(WebFluxCallbackController::text)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .publishOn(Schedulers.boundedElastic())
                .map(body -> endpoint.receive(msgSignature, timestamp, nonce, body.orElse("")))
                .onErrorResume(DataBufferLimitException.class, e -> Mono.just(endpoint.tooLarge()))
                .map(MvcCallbackController::answer);
    }

    private static String text(DataBuffer buffer) {
        try {
            return buffer.toString(StandardCharsets.UTF_8);
        } finally {
            DataBufferUtils.release(buffer);
        }
    }
}
