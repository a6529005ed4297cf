package io.github.wecomkit.spring.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The callback endpoint on Spring MVC, at {@code wecom.callback.path}. Parameters are optional here so that a
 * missing one is refused by {@code WeComCallback} like any other bad request, with a bare 400.
 */
@RestController
public class MvcCallbackController {
    private final CallbackEndpoint endpoint;

    /**
     * @param endpoint what the requests are handed to
     */
    public MvcCallbackController(CallbackEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** URL verification. */
    @GetMapping("${wecom.callback.path:/wecom/callback}")
    public ResponseEntity<String> verify(@RequestParam(name = "msg_signature", required = false) String msgSignature,
                                         @RequestParam(name = "timestamp", required = false) String timestamp,
                                         @RequestParam(name = "nonce", required = false) String nonce,
                                         @RequestParam(name = "echostr", required = false) String echostr) {
        return answer(endpoint.verify(msgSignature, timestamp, nonce, echostr));
    }

    /** An event; the body is read up to a bound, never whole when it is huge. */
    @PostMapping("${wecom.callback.path:/wecom/callback}")
    public ResponseEntity<String> receive(@RequestParam(name = "msg_signature", required = false) String msgSignature,
                                          @RequestParam(name = "timestamp", required = false) String timestamp,
                                          @RequestParam(name = "nonce", required = false) String nonce,
                                          InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(CallbackEndpoint.MAX_READ_BYTES + 1);
        if (bytes.length > CallbackEndpoint.MAX_READ_BYTES) {
            return answer(endpoint.tooLarge());
        }
        return answer(endpoint.receive(msgSignature, timestamp, nonce, new String(bytes, StandardCharsets.UTF_8)));
    }

    static ResponseEntity<String> answer(CallbackEndpoint.Reply reply) {
        return ResponseEntity.status(reply.status()).contentType(MediaType.TEXT_PLAIN).body(reply.body());
    }
}
