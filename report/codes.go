package report

// Finding codes. They are a public interface: scripts and support macros match
// on them. Add new ones freely; never rename one.
const (
	CodeStateChanged         = "state.changed"
	CodeStateMissing         = "state.missing"
	CodeRedirectURIChanged   = "redirect_uri.changed"
	CodeRedirectURIRejected  = "redirect_uri.rejected"
	CodeParamDropped         = "param.dropped"
	CodeParamChanged         = "param.changed"
	CodeParamAdded           = "param.added"
	CodeRedirectLoop         = "redirect.loop"
	CodeRedirectTooMany      = "redirect.too_many"
	CodeAuthorizeError       = "authorize.error"
	CodeTokenError           = "token.error"
	CodeTokenNotJSON         = "token.not_json"
	CodeTokenClientAuth      = "token.client_auth"
	CodeRefreshTokenMissing  = "refresh_token.missing"
	CodeRefreshFailed        = "refresh.failed"
	CodeAccessTokenOpaque    = "access_token.opaque"
	CodeJWTMalformed         = "jwt.malformed"
	CodeJWTAudMismatch       = "jwt.aud_mismatch"
	CodeJWTAudAzureMgmt      = "jwt.aud_azure_management"
	CodeJWTExpired           = "jwt.expired"
	CodeJWTNotYetValid       = "jwt.not_yet_valid"
	CodeJWTIatFuture         = "jwt.iat_future"
	CodeJWTIssMismatch       = "jwt.iss_mismatch"
	CodeJWTAlgNone           = "jwt.alg_none"
	CodeJWTSignatureInvalid  = "jwt.signature_invalid"
	CodeJWTKidUnknown        = "jwt.kid_unknown"
	CodeIDTokenAudNotClient  = "id_token.aud_not_client"
	CodeIDTokenNonceMismatch = "id_token.nonce_mismatch"
	// Added for issue 2: a hop or endpoint that could not be reached, and a
	// body over the 1 MiB cap.
	CodeHopUnreachable      = "hop.unreachable"
	CodePageError           = "page.error"
	CodeRedirectBadLocation = "redirect.bad_location"
	CodeBodyTruncated       = "body.truncated"
	CodeScopeNotGranted     = "scope.not_granted"
	CodeClientRejected      = "client.rejected"
)

// Added for issue 3: a JWE token, whose claims cannot be read or checked
// without the decryption key (info).
const CodeJWTEncrypted = "jwt.encrypted"

// Added for issue 9: the loopback listener refused a request whose Host
// was not its own (warn), and requests past the ones it keeps (info).
const (
	CodeListenerHostRefused = "listener.host_refused"
	CodeListenerDropped     = "listener.dropped"
)

// Added for issue 9: a JWT header parameter given twice (error: parsers
// disagree on which counts) and a claim given twice (warn).
const (
	CodeJWTDuplicateHeader = "jwt.duplicate_header"
	CodeJWTDuplicateClaim  = "jwt.duplicate_claim"
	// An expires_in that is not a number, negative or absurd (warn).
	CodeTokenExpiresIn = "token.expires_in"
	// An endpoint of the discovery document that is not an http(s) URL,
	// such as a jwks_uri, dropped (warn).
	CodeDiscoveryUnusable = "discovery.unusable"
)

// Added for issue 10: decode --verify was asked to check a signature and
// could not (no keys to be had: a JWKS that cannot be fetched or read, a
// discovery that failed, no secret for HS*). Error: it must not pass for a
// checked token; the signature is neither good nor bad, so neither
// jwt.signature_invalid nor jwt.kid_unknown fits.
const CodeJWTSignatureUnverified = "jwt.signature_unverified"
