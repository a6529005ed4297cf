package io.github.wecomkit.examples.boot;

import io.github.wecomkit.LoginSession;
import io.github.wecomkit.Member;
import io.github.wecomkit.WeComClient;
import io.github.wecomkit.error.CorpMismatchException;
import io.github.wecomkit.error.InvalidCodeException;
import io.github.wecomkit.error.InvalidCredentialException;
import io.github.wecomkit.error.NoPrivilegeException;
import io.github.wecomkit.error.RateLimitedException;
import io.github.wecomkit.error.SystemBusyException;
import io.github.wecomkit.error.UserNotFoundException;
import io.github.wecomkit.error.WeComException;
import io.github.wecomkit.error.WeComTransportException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The mini-program's login API on the starter's {@link WeComClient}.
 *
 * <pre>{@code
 * POST /api/login  {"code": "..."}                → 200 {"token": "...", "member": {...}}
 * GET  /api/me     Authorization: Bearer <token>  → 200 {"corpId": "...", "userId": "..."}
 * }</pre>
 *
 * <p>Answers: 400 no code or a malformed one, 401 used or expired code (call {@code wx.qy.login} again), 403 the
 * member is outside the app's visible range (60011), not in the corp, or of a corp this backend does not serve,
 * 503 WeCom busy or unreachable, 500 the backend's own WeCom credentials are wrong.
 */
@RestController
@RequestMapping("/api")
public class LoginController {
    private static final Logger LOG = LoggerFactory.getLogger(LoginController.class);

    private final WeComClient wecom;
    private final Sessions sessions;

    /**
     * @param wecom    the starter's client
     * @param sessions this backend's session tokens
     */
    public LoginController(WeComClient wecom, Sessions sessions) {
        this.wecom = wecom;
        this.sessions = sessions;
    }

    /**
     * What the mini-program posts.
     *
     * @param code the code from {@code wx.qy.login}
     */
    public record LoginRequest(String code) {
    }

    /**
     * A member as the mini-program sees it.
     *
     * @param userId     the user id
     * @param name       the display name
     * @param department the department ids
     * @param position   the position, if WeCom gives it
     */
    public record MemberView(String userId, String name, List<Long> department, String position) {
    }

    /**
     * The answer to a login.
     *
     * @param token  this backend's session token
     * @param corpId the member's corp
     * @param member the member
     */
    public record LoginResponse(String token, String corpId, MemberView member) {
    }

    /**
     * An error the mini-program can act on.
     *
     * @param error   a stable code
     * @param message what to tell the user
     */
    public record ErrorResponse(String error, String message) {
    }

    /**
     * @param request the code
     * @return the member and a session token
     */
    @PostMapping("/login")
    public ResponseEntity<?> login(@RequestBody(required = false) LoginRequest request) {
        if (request == null || request.code() == null || request.code().isBlank()) {
            return error(HttpStatus.BAD_REQUEST, "bad_request", "POST {\"code\": ...} with the code from wx.qy.login");
        }
        LoginSession session = wecom.login(request.code());
        Member member = wecom.getUser(session.userId());
        String token = sessions.issue(new Sessions.Subject(session.corpId(), session.userId()));
        return ResponseEntity.ok(new LoginResponse(token, session.corpId(), new MemberView(member.userId(),
                member.name(), member.department(), member.position().orElse(null))));
    }

    /**
     * @param authorization {@code Bearer <token>}
     * @return who the token belongs to
     */
    @GetMapping("/me")
    public ResponseEntity<?> me(@RequestHeader(name = "Authorization", required = false) String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return error(HttpStatus.UNAUTHORIZED, "unauthenticated", "log in first");
        }
        return sessions.find(authorization.substring("Bearer ".length()))
                .<ResponseEntity<?>>map(ResponseEntity::ok)
                .orElseGet(() -> error(HttpStatus.UNAUTHORIZED, "unauthenticated", "log in first"));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ErrorResponse> malformed(IllegalArgumentException e) {
        return error(HttpStatus.BAD_REQUEST, "bad_request", "the code is malformed");
    }

    @ExceptionHandler(InvalidCodeException.class)
    ResponseEntity<ErrorResponse> usedCode(InvalidCodeException e) {
        return error(HttpStatus.UNAUTHORIZED, "invalid_code",
                "The login code was used already or is older than five minutes: call wx.qy.login again.");
    }

    @ExceptionHandler({NoPrivilegeException.class, UserNotFoundException.class, CorpMismatchException.class})
    ResponseEntity<ErrorResponse> notAllowed(WeComException e) {
        return error(HttpStatus.FORBIDDEN, "no_privilege", e instanceof NoPrivilegeException
                ? "Your account is outside this app's visible range: ask your WeCom admin to add you."
                : "This mini-program does not serve your account.");
    }

    @ExceptionHandler({RateLimitedException.class, SystemBusyException.class, WeComTransportException.class})
    ResponseEntity<ErrorResponse> unavailable(WeComException e) {
        LOG.warn("login unavailable: {}", e.getMessage());
        return error(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "WeCom is busy or unreachable; try again shortly.");
    }

    @ExceptionHandler(InvalidCredentialException.class)
    ResponseEntity<ErrorResponse> misconfigured(InvalidCredentialException e) {
        LOG.error("the service's WeCom credentials are wrong: {}", e.getMessage());
        return error(HttpStatus.INTERNAL_SERVER_ERROR, "server_misconfigured", "The service cannot reach WeCom.");
    }

    private static ResponseEntity<ErrorResponse> error(HttpStatus status, String error, String message) {
        return ResponseEntity.status(status).body(new ErrorResponse(error, message));
    }
}
