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

// Added for issue 10: the provider answered the preflight with a code,
// straight to the callback, without a login page (an existing session,
// or prompt=none): info.
const CodeAuthorizeNoLogin = "authorize.no_login"

// Added for issue 11: a connector definition's OAuth settings, as
// `connector check` reads them (before any login).
const (
	CodeConnectorRedirectGlobal      = "connector.redirect_global"
	CodeConnectorRedirectMismatch    = "connector.redirect_mismatch"
	CodeConnectorPlaceholderUnknown  = "connector.placeholder_unknown"
	CodeConnectorRedirectHardcoded   = "connector.redirect_hardcoded"
	CodeConnectorRefreshTemplate     = "connector.refresh_template"
	CodeConnectorTokenTemplate       = "connector.token_template"
	CodeConnectorNoOfflineAccess     = "connector.no_offline_access"
	CodeConnectorSecretInFile        = "connector.secret_in_file"
	CodeConnectorProviderUnsupported = "connector.provider_unsupported"
	CodeConnectorInvalid             = "connector.invalid"
)

// Added for issue 12: what reading a HAR file found about the file itself
// and about what it cannot hold, and a value a sanitiser replaced, which
// every comparison treats as unknown.
const (
	CodeHARTruncated     = "har.truncated"     // warn: the file ends mid-way; the legs before the cut are kept
	CodeHARIrregular     = "har.irregular"     // info: read leniently (another version, a BOM, missing fields, ...)
	CodeHARFragmentLost  = "har.fragment_lost" // warn: the answer came in the URL fragment, which HAR does not record
	CodeHARPlatformLeg   = "har.platform_leg"  // info: the code went to the platform, which exchanges it on its servers
	CodeHARBodyOmitted   = "har.body_omitted"  // info: a body the diagnosis needed is not in the file
	CodeHARNoCallback    = "har.no_callback"   // warn: an attempt never reaches its redirect URI in the file
	CodeParamPlaceholder = "param.placeholder" // info: a sanitiser's placeholder where a value was; not compared
)

// Added for issue 15: the API called with the access token (--call)
// accepted it (info) or refused it (error, with the cause read from its
// answer and the token), and a refreshed access token that differs from
// the login's in audience (error) or has fewer scopes (warn).
const (
	CodeAPIAccepted              = "api.accepted"
	CodeAPIRejected              = "api.rejected"
	CodeAPIRefreshedTokenDiffers = "api.refreshed_token_differs"
	CodeAPINotCalled             = "api.not_called"
)

// CodeInfo says what a finding code means: `authtrace codes` lists them,
// for people reading a report and for support macros matching on codes.
type CodeInfo struct {
	Code string `json:"code"`
	// Severity is the one findings of the code have; where it depends on
	// the case, the more usual one, and Meaning says when it differs.
	Severity Severity `json:"severity"`
	Meaning  string   `json:"meaning"`
}

// Codes lists every finding code, grouped by where in the login it arises.
// A new code gets its line here (a test checks that none is missing).
func Codes() []CodeInfo {
	e, w, i := SeverityError, SeverityWarn, SeverityInfo
	return []CodeInfo{
		{CodeStateChanged, e, "a hop's state differs from the state sent (detail kind: suffix_added, wrapped, plus_to_space, ...; at the callback, changed_at: the hop whose redirect carried it); the platform will reject the login"},
		{CodeStateMissing, e, "the callback or an authorize hop carries no state"},
		{CodeRedirectURIChanged, e, "a hop's redirect_uri differs from the one sent (detail kind: trailing_slash, scheme, host, port, path, ...)"},
		{CodeRedirectURIRejected, e, "the provider refused the redirect_uri: it is not registered with the app exactly as sent"},
		{CodeClientRejected, e, "the provider does not know the client id, or refused the client secret"},
		{CodeParamDropped, e, "a parameter sent (audience, scope, client_id, ...) is missing from a later hop; warn for ones such as prompt or organization"},
		{CodeParamChanged, e, "a parameter sent has another value in a later hop; warn for ones such as prompt or organization"},
		{CodeParamAdded, i, "a hop carries a parameter that was not sent (a tenant proxy adding organization or connection)"},
		{CodeRedirectLoop, e, "the redirect chain comes back to a URL it visited"},
		{CodeRedirectTooMany, e, "the redirect chain is longer than the hop limit (--max-hops)"},
		{CodeRedirectBadLocation, e, "a redirect's Location header is missing or not a usable URL"},
		{CodeHopUnreachable, e, "a hop's or endpoint's server could not be reached (DNS, connection, TLS, timeout)"},
		{CodePageError, e, "the provider answered with an error page instead of a login page"},
		{CodeBodyTruncated, w, "an answer was longer than authtrace reads (1 MiB); what follows was not looked at"},
		{CodeAuthorizeError, e, "the callback carries an OAuth error from the provider (access_denied, invalid_scope, ...)"},
		{CodeTokenError, e, "the token endpoint answered with an OAuth error (invalid_grant, invalid_client, ...)"},
		{CodeTokenNotJSON, e, "the token endpoint answered HTML or text instead of JSON; warn when it was form-encoded"},
		{CodeTokenClientAuth, w, "the token endpoint accepted the client secret only one way: in the form body or as HTTP Basic"},
		{CodeTokenExpiresIn, w, "the token answer's expires_in is not a number of seconds, negative or absurd"},
		{CodeRefreshTokenMissing, e, "no refresh token came back (detail cause: offline_access_not_requested, withheld); the connection fails within the hour"},
		{CodeRefreshFailed, e, "the refresh grant was rejected (invalid_grant: rotation, reuse, expiry)"},
		{CodeAccessTokenOpaque, w, "the access token is not a JWT, so it names no audience; error when an audience was expected"},
		{CodeJWTMalformed, e, "a token that should be a JWT is not three base64url parts of JSON, or its signature is empty, cut short or too long for its alg"},
		{CodeJWTEncrypted, i, "the token is an encrypted JWE: its claims cannot be read or checked without the key"},
		{CodeJWTDuplicateHeader, e, "a JWT header parameter appears twice: parsers disagree on which one counts"},
		{CodeJWTDuplicateClaim, w, "a JWT claim appears twice: parsers disagree on which one counts"},
		{CodeJWTAudMismatch, e, "the expected audience (--expect-aud) is not in the token's aud; a warning when an Entra v1.0 token names the same API in its other form (client id or api://<client id>)"},
		{CodeJWTAudAzureMgmt, w, "aud is https://management.azure.com/: the Azure portal's own token, not the connector's"},
		{CodeJWTExpired, e, "the token's exp is in the past (beyond the allowed clock skew)"},
		{CodeJWTNotYetValid, e, "the token's nbf is in the future (beyond the allowed clock skew)"},
		{CodeJWTIatFuture, w, "the token's iat is in the future: the issuer's clock or this machine's is off"},
		{CodeJWTIssMismatch, e, "the token's iss differs from the expected issuer"},
		{CodeJWTAlgNone, e, "the token is unsigned (alg none)"},
		{CodeJWTSignatureInvalid, e, "the token's signature does not verify with the provider's key"},
		{CodeAuthorizeNoLogin, i, "the provider sent a code straight to the callback, without a login page (an existing session, or prompt=none)"},
		{CodeJWTKidUnknown, e, "the provider's JWKS has no key with the token's kid (or none for its alg)"},
		{CodeJWTSignatureUnverified, e, "decode --verify could not check the signature: the keys could not be had (a JWKS that cannot be fetched or read, discovery failed, no secret for HS*)"},
		{CodeIDTokenAudNotClient, e, "the ID token's aud does not contain the client id; warn when azp names another client"},
		{CodeIDTokenNonceMismatch, e, "the ID token's nonce differs from the nonce sent"},
		{CodeScopeNotGranted, w, "a requested scope is missing from the scope granted"},
		{CodeDiscoveryUnusable, w, "an endpoint in the discovery document is not an http(s) URL and was not used"},
		{CodeListenerHostRefused, w, "the loopback listener refused a request whose Host was not its own"},
		{CodeConnectorRedirectGlobal, w, "the connector still uses the global redirect URL; new and updated connectors need their per-connector one"},
		{CodeConnectorRedirectMismatch, e, "the connector's redirectUrl does not fit its redirectMode; warn when GlobalPerConnector has no redirectUrl yet (it exists once the connector is created)"},
		{CodeConnectorPlaceholderUnknown, e, "a template placeholder is neither built in nor a connection parameter: it will be sent literally"},
		{CodeConnectorRedirectHardcoded, e, "a template carries a fixed redirect_uri instead of the {RedirectUrl} placeholder"},
		{CodeConnectorRefreshTemplate, e, "the refresh body template lacks the refresh token or uses another grant type; warn when there is none and the platform's default refresh body lacks the client secret the token body sends"},
		{CodeConnectorTokenTemplate, e, "the token body template lacks the code, the grant type or the redirect URL"},
		{CodeConnectorNoOfflineAccess, w, "the connector asks for no offline access (offline_access, or the provider's own switch), so no refresh token may come back"},
		{CodeConnectorSecretInFile, w, "the connector file holds a client secret; the platform takes it at publish time, and the file may be shared"},
		{CodeConnectorProviderUnsupported, w, "the connector's identity provider is one authtrace cannot replay (it says why)"},
		{CodeConnectorInvalid, e, "the connector definition is unusable as the platform reads it (a required setting missing, an URL that does not parse)"},
		{CodeParamPlaceholder, i, "a hop's state, redirect_uri or another parameter is a sanitiser's placeholder ([state redacted]): unknown, so not compared"},
		{CodeHARTruncated, w, "the HAR file ends before its end (cut off, or invalid past a point); the legs before the cut are read"},
		{CodeHARIrregular, i, "the HAR file was read leniently: another version, a byte order mark, entries without some fields, out of time order"},
		{CodeHARFragmentLost, w, "the provider answered in the URL fragment (response_mode=fragment), which a HAR file does not record: the callback's values are not known"},
		{CodeHARPlatformLeg, i, "the chain ends at the platform's redirect URL: the platform exchanges the code on its own servers, so the token leg is not in the HAR"},
		{CodeHARBodyOmitted, i, "a body the diagnosis needed (a token answer, an error page) is not in the HAR file: omitted by the browser or a sanitiser"},
		{CodeHARNoCallback, w, "an attempt in the HAR file never reaches its redirect URI: abandoned at a page, or the recording stopped before the end"},
		{CodeListenerDropped, i, "the loopback listener got more requests than it keeps; the rest were not recorded"},
		{CodeAPIAccepted, i, "the API called with the access token (--call) answered 2xx: it accepts the token"},
		{CodeAPIRejected, e, "the API called with the access token (--call) refused it: 401/403, a redirect or a login page, another error, no answer in time or none at all (detail cause: audience, scope, expired, timeout, unreachable…; RFC 6750 error, scope)"},
		{CodeAPIRefreshedTokenDiffers, e, "the refreshed access token has another audience than the login's (error), or fewer scopes (warn): the connector fails an hour after sign-in"},
		{CodeAPINotCalled, w, "--call was asked for and no request was sent: the login got no access token, or the HAR file holds none (or only a sanitised one) (detail cause)"},
	}
}
