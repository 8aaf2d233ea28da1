import Takumi

/// The OpenAPI 3.1 document served at `GET /openapi.yaml`.
///
/// Kept by hand next to the routes it describes: a route added to
/// `buildRouter` (or a column added to a projection table) belongs here too.
/// `scripts/api-contract-test` runs schemathesis with every check against a
/// live `takumi serve` using this document, so a route, status, header or
/// field the server answers but the document does not know fails the test.
///
/// Conventions:
/// - Row objects are projection rows as `RowRenderer` renders them: columns
///   in camelCase without `chain`, addresses in EIP-55, plus `finalized` and
///   `confirmations`. They are closed (`additionalProperties: false`) so
///   the contract test notices a new column; clients should still ignore
///   unknown fields.
/// - Every error is `application/problem+json` (`#/components/schemas/Problem`).
/// - Routes that need a signed-in account (`/api/v1/me…`, `/api/v1/admin/…`)
///   declare `security: [{bearerAuth: []}]` and the `Unauthorized` (and,
///   for admin routes, `Forbidden`) responses. `OpenAPIDocumentTests`
///   fails when a route of the router is missing here, or the reverse.
enum OpenAPIDocument {
    static let yaml = #"""
openapi: 3.1.0
info:
  title: Takumi API
  version: "\#(BuildInfo.version)"
  summary: On-chain skills verification backend
  description: |
    Read API over the index of Takumi's contracts (profiles, skills, claims,
    endorsements, verifiers), plus the operations surface (health, readiness,
    metrics, status page).

    * Errors are RFC 9457 `application/problem+json` documents: `type` (a
      stable URI per kind of error), `title`, `status`, `detail`, `instance`
      (the request path) and, for a bad query or path parameter, `parameter`.
      Unknown paths answer 404, bodies over the limit 413, both as problems.
    * Rate limits: responses of rate-limited routes carry `RateLimit-Limit`,
      `RateLimit-Remaining` and `RateLimit-Reset`; beyond the budget the answer
      is 429 with `Retry-After` as well. `/health`, `/ready`, `/metrics`,
      `/metrics/indexer` and `/status` are never limited. A request with an
      `X-API-Key` header counts against that key's budget; a key that is not
      active is answered 401 (`bad-api-key`) on every rate-limited route.
    * While any Takumi contract is paused, every response carries
      `X-Takumi-Paused: true`.
    * Addresses are answered in EIP-55 checksum case. Addresses given in a
      path or query may be all lowercase, all uppercase or valid EIP-55; mixed
      case with a wrong checksum is answered 400 (that is how a mistyped
      address shows).
    * Lists are pages in key order: `items`, and `nextCursor` to pass as
      `cursor` for the next page (null on the last page).
    * `finalized` is true when the block that last changed a row is at least
      the finality depth below the chain head; `confirmations` counts the
      blocks from that block to the head (0 while the head is unknown).
    * With `takumi serve --cache-ttl-ms N`, `GET /api/v1` answers (200 only)
      may come from memory for N ms and say `X-Cache: hit` or `miss`.
    * Objects may gain fields; clients should ignore fields they do not know.
    * Authentication (Sign-In with Ethereum, tag `auth`): operations with
      `bearerAuth` need `Authorization: Bearer <access token>`; without it,
      or with a token that is invalid, expired or signed out, the answer is
      401 `auth-failed` with a `reason` and `WWW-Authenticate`. Admin
      operations answer 403 `forbidden` to other accounts. `X-API-Key`
      (`apiKey`) is never needed: it only moves a request onto that key's
      own rate-limit budget.
  license:
    name: Proprietary
tags:
  - name: operations
    description: Health, readiness, metrics and the status page (none of them rate limited), and the version.
  - name: profiles
  - name: skills
  - name: claims
  - name: endorsements
  - name: verifiers
  - name: chain
    description: Totals, recent activity and the contracts a wallet acts on.
  - name: meta
    description: This document.
  - name: auth
    description: |
      Sign-In with Ethereum (EIP-4361) and sessions: a nonce, the signed
      message, then a 15-minute access token (`Authorization: Bearer …`) and
      a single-use refresh token; the signed-in account (`/api/v1/me`).
  - name: admin
    description: API keys and the audit log, for admins (`ADMIN_ADDRESSES`) only; every request is audited.

paths:
  /openapi.yaml:
    get:
      operationId: getOpenAPIDocument
      tags: [meta]
      summary: This OpenAPI document
      responses:
        "200":
          description: The OpenAPI 3.1 document, YAML.
          headers:
            X-Takumi-Paused: {$ref: "#/components/headers/Paused"}
            RateLimit-Limit: {$ref: "#/components/headers/RateLimitLimit"}
            RateLimit-Remaining: {$ref: "#/components/headers/RateLimitRemaining"}
            RateLimit-Reset: {$ref: "#/components/headers/RateLimitReset"}
          content:
            application/yaml:
              schema:
                type: object
                required: [openapi, info, paths, components]
                properties:
                  openapi: {type: string, pattern: "^3[.]1[.][0-9]+$"}
                  info: {type: object, required: [title, version]}
                  paths: {type: object}
                  components: {type: object}
        "401": {$ref: "#/components/responses/BadAPIKey"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

  /health:
    get:
      operationId: getHealth
      tags: [operations]
      summary: Health of the server and its dependencies
      description: |
        Answered from the health monitor's last probe, never by calling a
        dependency while the client waits. Always 200: read `status`
        (`ok`, `degraded`: a dependency is down, the indexer lags, the head is
        frozen or a contract is paused; `down`: the database is unreachable or
        indexing stopped).
      responses:
        "200":
          description: Health report.
          headers:
            X-Takumi-Paused: {$ref: "#/components/headers/Paused"}
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Health"}
        "500": {$ref: "#/components/responses/InternalError"}

  /version:
    get:
      operationId: getVersion
      tags: [operations]
      summary: Version and commit of the running server
      description: A constant answer (it is also what the API benchmark measures as the framework's ceiling).
      responses:
        "200":
          description: Version.
          headers:
            X-Takumi-Paused: {$ref: "#/components/headers/Paused"}
            RateLimit-Limit: {$ref: "#/components/headers/RateLimitLimit"}
            RateLimit-Remaining: {$ref: "#/components/headers/RateLimitRemaining"}
            RateLimit-Reset: {$ref: "#/components/headers/RateLimitReset"}
          content:
            application/json:
              schema:
                type: object
                required: [version, commit]
                additionalProperties: false
                properties:
                  version: {type: string, examples: ["0.1.0"]}
                  commit: {type: string, description: "The git commit built, or `unknown`."}
        "401": {$ref: "#/components/responses/BadAPIKey"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

  /ready:
    get:
      operationId: getReady
      tags: [operations]
      summary: Readiness for traffic (load balancers)
      description: 200 when the database answers and the indexer is within `maxLag` blocks of the head; 503 otherwise, with the same body.
      responses:
        "200":
          description: Ready.
          headers:
            X-Takumi-Paused: {$ref: "#/components/headers/Paused"}
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Readiness"}
        "503":
          description: Not ready (the database is down, indexing stopped, or the indexer lags).
          headers:
            X-Takumi-Paused: {$ref: "#/components/headers/Paused"}
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Readiness"}
        "500": {$ref: "#/components/responses/InternalError"}

  /metrics:
    get:
      operationId: getMetrics
      tags: [operations]
      summary: Prometheus metrics
      description: Prometheus text exposition format 0.0.4 (`text/plain; version=0.0.4; charset=utf-8`).
      responses:
        "200":
          description: Metrics.
          headers:
            X-Takumi-Paused: {$ref: "#/components/headers/Paused"}
          content:
            text/plain:
              schema: {type: string}
        "500": {$ref: "#/components/responses/InternalError"}

  /metrics/indexer:
    get:
      operationId: getIndexerMetrics
      tags: [operations]
      summary: Indexer progress per chain
      responses:
        "200":
          description: Indexer progress.
          headers:
            X-Takumi-Paused: {$ref: "#/components/headers/Paused"}
          content:
            application/json:
              schema: {$ref: "#/components/schemas/IndexerMetrics"}
        "500": {$ref: "#/components/responses/InternalError"}

  /status:
    get:
      operationId: getStatusPage
      tags: [operations]
      summary: Status page (HTML, no JavaScript)
      responses:
        "200":
          description: The status page; it refreshes itself every 15 s.
          headers:
            X-Takumi-Paused: {$ref: "#/components/headers/Paused"}
          content:
            text/html:
              schema: {type: string}
        "500": {$ref: "#/components/responses/InternalError"}

  /api/v1/profiles:
    get:
      operationId: listProfiles
      tags: [profiles]
      summary: Profiles, in owner order
      parameters:
        - $ref: "#/components/parameters/Limit"
        - name: cursor
          in: query
          description: The `nextCursor` of the previous page (an owner address); empty or absent for the first page.
          schema: {type: string}
        - name: q
          in: query
          description: Case-insensitive substring of the profile name; empty means no filter.
          schema: {type: string}
        - name: skill
          in: query
          description: Only owners of a (not removed) skill whose name contains this, case-insensitively; empty means no filter.
          schema: {type: string}
        - name: verified
          in: query
          description: "`true`: only owners of at least one verified (not removed) skill. `false` (the default): no filter."
          schema: {$ref: "#/components/schemas/Flag"}
      responses:
        "200":
          description: A page of profiles.
          headers: &apiHeaders
            X-Takumi-Paused: {$ref: "#/components/headers/Paused"}
            RateLimit-Limit: {$ref: "#/components/headers/RateLimitLimit"}
            RateLimit-Remaining: {$ref: "#/components/headers/RateLimitRemaining"}
            RateLimit-Reset: {$ref: "#/components/headers/RateLimitReset"}
            X-Cache: {$ref: "#/components/headers/Cache"}
          content:
            application/json:
              schema: {$ref: "#/components/schemas/ProfilePage"}
          links:
            GetProfile:
              operationId: getProfile
              parameters: {address: "$response.body#/items/0/owner"}
            ListProfileSkills:
              operationId: listProfileSkills
              parameters: {address: "$response.body#/items/0/owner"}
            ListProfileClaims:
              operationId: listProfileClaims
              parameters: {address: "$response.body#/items/0/owner"}
            ListProfileEndorsements:
              operationId: listProfileEndorsements
              parameters: {address: "$response.body#/items/0/owner"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/BadAPIKey"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

  /api/v1/profiles/{address}:
    get:
      operationId: getProfile
      tags: [profiles]
      summary: One profile, with its skills and endorsement counts
      parameters:
        - $ref: "#/components/parameters/AddressPath"
      responses:
        "200":
          description: The profile.
          headers: *apiHeaders
          content:
            application/json:
              schema: {$ref: "#/components/schemas/ProfileDetail"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "404": {$ref: "#/components/responses/NotFound"}
        "401": {$ref: "#/components/responses/BadAPIKey"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

  /api/v1/profiles/{address}/skills:
    get:
      operationId: listProfileSkills
      tags: [profiles, skills]
      summary: Skills of an owner (removed ones included), in id order
      description: An address without a profile has no skills; the answer is an empty page, not 404.
      parameters:
        - $ref: "#/components/parameters/AddressPath"
        - $ref: "#/components/parameters/Limit"
        - $ref: "#/components/parameters/IdCursor"
      responses:
        "200":
          description: A page of skills.
          headers: *apiHeaders
          content:
            application/json:
              schema: {$ref: "#/components/schemas/SkillPage"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/BadAPIKey"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

  /api/v1/profiles/{address}/claims:
    get:
      operationId: listProfileClaims
      tags: [profiles, claims]
      summary: Claims made by an address, in id order
      parameters:
        - $ref: "#/components/parameters/AddressPath"
        - $ref: "#/components/parameters/Limit"
        - $ref: "#/components/parameters/IdCursor"
      responses:
        "200":
          description: A page of claims.
          headers: *apiHeaders
          content:
            application/json:
              schema: {$ref: "#/components/schemas/ClaimPage"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/BadAPIKey"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

  /api/v1/profiles/{address}/endorsements:
    get:
      operationId: listProfileEndorsements
      tags: [profiles, endorsements]
      summary: Endorsements received or given by an address (revoked ones included), in id order
      parameters:
        - $ref: "#/components/parameters/AddressPath"
        - name: direction
          in: query
          description: "`received` (the default): the address is the endorsee; `given`: the endorser."
          schema: {type: string, enum: [received, given], default: received}
        - $ref: "#/components/parameters/Limit"
        - $ref: "#/components/parameters/IdCursor"
      responses:
        "200":
          description: A page of endorsements.
          headers: *apiHeaders
          content:
            application/json:
              schema: {$ref: "#/components/schemas/EndorsementPage"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/BadAPIKey"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

  /api/v1/skills:
    get:
      operationId: listSkills
      tags: [skills]
      summary: Skills that are not removed, in id order
      parameters:
        - $ref: "#/components/parameters/Limit"
        - $ref: "#/components/parameters/IdCursor"
        - name: q
          in: query
          description: Case-insensitive substring of the skill name; empty means no filter.
          schema: {type: string}
        - name: verified
          in: query
          description: Only verified (`true`) or only unverified (`false`) skills; absent means both.
          schema: {$ref: "#/components/schemas/Flag"}
      responses:
        "200":
          description: A page of skills.
          headers: *apiHeaders
          content:
            application/json:
              schema: {$ref: "#/components/schemas/SkillPage"}
          links:
            GetSkill:
              operationId: getSkill
              parameters: {id: "$response.body#/items/0/id"}
            ListSkillEndorsements:
              operationId: listSkillEndorsements
              parameters: {id: "$response.body#/items/0/id"}
            GetOwner:
              operationId: getProfile
              parameters: {address: "$response.body#/items/0/owner"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/BadAPIKey"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

  /api/v1/skills/{id}:
    get:
      operationId: getSkill
      tags: [skills]
      summary: One skill (also a removed one)
      parameters:
        - $ref: "#/components/parameters/IdPath"
      responses:
        "200":
          description: The skill.
          headers: *apiHeaders
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Skill"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "404": {$ref: "#/components/responses/NotFound"}
        "401": {$ref: "#/components/responses/BadAPIKey"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

  /api/v1/skills/{id}/endorsements:
    get:
      operationId: listSkillEndorsements
      tags: [skills, endorsements]
      summary: Endorsements of a skill (revoked ones included), in id order
      description: An unknown skill id has no endorsements; the answer is an empty page, not 404.
      parameters:
        - $ref: "#/components/parameters/IdPath"
        - $ref: "#/components/parameters/Limit"
        - $ref: "#/components/parameters/IdCursor"
      responses:
        "200":
          description: A page of endorsements.
          headers: *apiHeaders
          content:
            application/json:
              schema: {$ref: "#/components/schemas/EndorsementPage"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/BadAPIKey"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

  /api/v1/claims:
    get:
      operationId: listClaims
      tags: [claims]
      summary: Skill claims, in id order
      parameters:
        - $ref: "#/components/parameters/Limit"
        - $ref: "#/components/parameters/IdCursor"
        - name: status
          in: query
          schema: {$ref: "#/components/schemas/ClaimStatus"}
        - name: claimant
          in: query
          schema: {$ref: "#/components/schemas/AddressInput"}
        - name: verifier
          in: query
          schema: {$ref: "#/components/schemas/AddressInput"}
      responses:
        "200":
          description: A page of claims.
          headers: *apiHeaders
          content:
            application/json:
              schema: {$ref: "#/components/schemas/ClaimPage"}
          links:
            GetClaim:
              operationId: getClaim
              parameters: {id: "$response.body#/items/0/id"}
            GetClaimedSkill:
              operationId: getSkill
              parameters: {id: "$response.body#/items/0/skillId"}
            GetClaimant:
              operationId: getProfile
              parameters: {address: "$response.body#/items/0/claimant"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/BadAPIKey"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

  /api/v1/claims/{id}:
    get:
      operationId: getClaim
      tags: [claims]
      summary: One skill claim
      parameters:
        - $ref: "#/components/parameters/IdPath"
      responses:
        "200":
          description: The claim.
          headers: *apiHeaders
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Claim"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "404": {$ref: "#/components/responses/NotFound"}
        "401": {$ref: "#/components/responses/BadAPIKey"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

  /api/v1/verifiers:
    get:
      operationId: listVerifiers
      tags: [verifiers]
      summary: Verifiers, in account order
      parameters:
        - $ref: "#/components/parameters/Limit"
        - name: cursor
          in: query
          description: The `nextCursor` of the previous page (an account address); empty or absent for the first page.
          schema: {type: string}
        - name: active
          in: query
          description: Only active (`true`) or only suspended (`false`) verifiers; absent means both.
          schema: {$ref: "#/components/schemas/Flag"}
      responses:
        "200":
          description: A page of verifiers.
          headers: *apiHeaders
          content:
            application/json:
              schema: {$ref: "#/components/schemas/VerifierPage"}
          links:
            GetVerifier:
              operationId: getVerifier
              parameters: {address: "$response.body#/items/0/account"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/BadAPIKey"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

  /api/v1/verifiers/{address}:
    get:
      operationId: getVerifier
      tags: [verifiers]
      summary: One verifier, with claim statistics
      parameters:
        - $ref: "#/components/parameters/AddressPath"
      responses:
        "200":
          description: The verifier.
          headers: *apiHeaders
          content:
            application/json:
              schema: {$ref: "#/components/schemas/VerifierDetail"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "404": {$ref: "#/components/responses/NotFound"}
        "401": {$ref: "#/components/responses/BadAPIKey"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

  /api/v1/stats:
    get:
      operationId: getStats
      tags: [chain]
      summary: Totals and the ten most recent events
      responses:
        "200":
          description: Statistics.
          headers: *apiHeaders
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Stats"}
        "401": {$ref: "#/components/responses/BadAPIKey"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

  /api/v1/contracts:
    get:
      operationId: getContracts
      tags: [chain]
      summary: Network, chain id, and each contract's address, ABI and paused state
      responses:
        "200":
          description: The contracts.
          headers: *apiHeaders
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Contracts"}
        "401": {$ref: "#/components/responses/BadAPIKey"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

  /api/v1/auth/nonce:
    get:
      operationId: getSignInNonce
      tags: [auth]
      summary: A single-use nonce for a Sign-In with Ethereum message
      description: |
        Put `nonce` in the EIP-4361 message the wallet signs, then send the
        message to `POST /api/v1/auth/verify` before `expiresAt` (five
        minutes). Each nonce signs in once. With `REDIS_URL` set, nonces live
        in Redis and every replica accepts them; while Redis does not answer
        this is 503 `dependency-unavailable`.
      responses:
        "200":
          description: A fresh nonce.
          headers: &authHeaders
            X-Takumi-Paused: {$ref: "#/components/headers/Paused"}
            RateLimit-Limit: {$ref: "#/components/headers/RateLimitLimit"}
            RateLimit-Remaining: {$ref: "#/components/headers/RateLimitRemaining"}
            RateLimit-Reset: {$ref: "#/components/headers/RateLimitReset"}
            Cache-Control: {$ref: "#/components/headers/NoStore"}
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Nonce"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}
        "503": {$ref: "#/components/responses/ServiceUnavailable"}

  /api/v1/auth/verify:
    post:
      operationId: signIn
      tags: [auth]
      summary: Sign in with a signed EIP-4361 message
      description: |
        Checked in order: the message parses (EIP-4361); its domain, URI and
        chain id are this server's; Issued At, Expiration Time and Not Before
        hold within 60 s of clock skew; the signature recovers to the
        message's address; the nonce was issued here and is unused (it is
        spent only by a message that passes every other check). Every
        refusal is 401 `auth-failed` with a `reason`. While the nonce store
        (Redis) does not answer: 503 `dependency-unavailable`, and the same
        signed message may be sent again.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/SignInRequest"}
      responses:
        "200":
          description: Signed in.
          headers: *authHeaders
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Tokens"}
        "400": {$ref: "#/components/responses/BadBody"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "413": {$ref: "#/components/responses/PayloadTooLarge"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}
        "503": {$ref: "#/components/responses/ServiceUnavailable"}

  /api/v1/auth/refresh:
    post:
      operationId: refreshSession
      tags: [auth]
      summary: Exchange a refresh token for a new token pair
      description: |
        The refresh token is spent: the answer carries its successor. A
        refresh token presented a second time revokes its whole session
        (every token of that sign-in): 401 `refresh-reused`.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/RefreshRequest"}
      responses:
        "200":
          description: A new access token and refresh token.
          headers: *authHeaders
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Tokens"}
        "400": {$ref: "#/components/responses/BadBody"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "413": {$ref: "#/components/responses/PayloadTooLarge"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

  /api/v1/auth/logout:
    post:
      operationId: signOut
      tags: [auth]
      summary: End a session
      description: |
        Revokes the session of the Bearer access token or, without one, of
        the refresh token in the body: its access and refresh tokens stop
        working. Signing out of a session already ended is 204 too.
      security:
        - bearerAuth: []
        - {}
      requestBody:
        required: false
        content:
          application/json:
            schema: {$ref: "#/components/schemas/RefreshRequest"}
      responses:
        "204":
          description: Signed out.
          headers: *authHeaders
        "400": {$ref: "#/components/responses/BadBody"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "413": {$ref: "#/components/responses/PayloadTooLarge"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

  /api/v1/me:
    get:
      operationId: getMe
      tags: [auth, profiles, claims]
      summary: The signed-in account, its profile, and the first page of its claims and of the claims assigned to it
      description: |
        `claims` are the claims this address made; `assignedClaims` the
        claims assigned to it as a verifier that are still `assigned`
        (empty for an address that is no verifier). Both are pages of
        `limit` claims in id order; continue them with `GET /api/v1/me/claims`
        and `GET /api/v1/me/assigned-claims`, passing `nextCursor` as `cursor`.
      security:
        - bearerAuth: []
      parameters:
        - $ref: "#/components/parameters/Limit"
      responses:
        "200":
          description: The account.
          headers: *authHeaders
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Me"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

  /api/v1/me/claims:
    get:
      operationId: listMyClaims
      tags: [auth, claims]
      summary: Claims made by the signed-in address, in id order
      security:
        - bearerAuth: []
      parameters:
        - $ref: "#/components/parameters/Limit"
        - $ref: "#/components/parameters/IdCursor"
      responses:
        "200":
          description: A page of claims.
          headers: *authHeaders
          content:
            application/json:
              schema: {$ref: "#/components/schemas/ClaimPage"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

  /api/v1/me/assigned-claims:
    get:
      operationId: listMyAssignedClaims
      tags: [auth, claims]
      summary: Claims assigned to the signed-in verifier and still awaiting review, in id order
      security:
        - bearerAuth: []
      parameters:
        - $ref: "#/components/parameters/Limit"
        - $ref: "#/components/parameters/IdCursor"
      responses:
        "200":
          description: A page of claims.
          headers: *authHeaders
          content:
            application/json:
              schema: {$ref: "#/components/schemas/ClaimPage"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

  /api/v1/admin/api-keys:
    post:
      operationId: createAPIKey
      tags: [admin]
      summary: Create an API key (the key is shown in this answer only)
      description: |
        For admins (addresses in `ADMIN_ADDRESSES`). Only the key's SHA-256
        is stored. Clients send it as `X-API-Key`; its requests then count
        against `requestsPerMinute` (or the server's default for keys)
        instead of the client IP's budget. Written to the audit log.
      security:
        - bearerAuth: []
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/CreateAPIKeyRequest"}
      responses:
        "201":
          description: The key, once.
          headers: *authHeaders
          content:
            application/json:
              schema: {$ref: "#/components/schemas/CreatedAPIKey"}
        "400": {$ref: "#/components/responses/BadBody"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "413": {$ref: "#/components/responses/PayloadTooLarge"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}
    get:
      operationId: listAPIKeys
      tags: [admin]
      summary: Every API key, active or revoked, oldest first (never the key itself)
      description: For admins; written to the audit log.
      security:
        - bearerAuth: []
      responses:
        "200":
          description: The keys.
          headers: *authHeaders
          content:
            application/json:
              schema: {$ref: "#/components/schemas/APIKeyList"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

  /api/v1/admin/api-keys/{id}:
    delete:
      operationId: revokeAPIKey
      tags: [admin]
      summary: Revoke an API key
      description: For admins; revoking a revoked key is 204 too. Written to the audit log with its outcome.
      security:
        - bearerAuth: []
      parameters:
        - name: id
          in: path
          required: true
          schema: {type: integer, minimum: 1, maximum: 9223372036854775807}
      responses:
        "204":
          description: Revoked.
          headers: *authHeaders
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

  /api/v1/admin/audit-log:
    get:
      operationId: getAuditLog
      tags: [admin]
      summary: The newest audit log entries, newest first
      description: For admins. Every admin request is in the log, reads included; this one is written after it is answered.
      security:
        - bearerAuth: []
      parameters:
        - name: limit
          in: query
          description: How many entries.
          schema: {type: integer, minimum: 1, maximum: 500, default: 50}
      responses:
        "200":
          description: Entries.
          headers: *authHeaders
          content:
            application/json:
              schema: {$ref: "#/components/schemas/AuditLog"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "429": {$ref: "#/components/responses/TooManyRequests"}
        "500": {$ref: "#/components/responses/InternalError"}

components:
  securitySchemes:
    bearerAuth:
      type: http
      scheme: bearer
      description: An access token from `POST /api/v1/auth/verify` (Sign-In with Ethereum).
    apiKey:
      type: apiKey
      in: header
      name: X-API-Key
      description: An API key issued by an administrator; requests with a valid key count against the key's own rate limit instead of the client IP's.

  parameters:
    Limit:
      name: limit
      in: query
      description: Page size.
      schema: {type: integer, minimum: 1, maximum: 100, default: 20}
    IdCursor:
      name: cursor
      in: query
      description: The `nextCursor` of the previous page (a decimal id); empty or absent for the first page.
      schema: {type: string, pattern: "^[0-9]{0,18}$"}
    AddressPath:
      name: address
      in: path
      required: true
      description: |
        An Ethereum address: `0x` and 40 hex digits, all lowercase or all
        uppercase (valid EIP-55 mixed case is accepted as well; mixed case
        with a wrong checksum is answered 400).
      schema: {$ref: "#/components/schemas/AddressInput"}
    IdPath:
      name: id
      in: path
      required: true
      schema: {type: integer, minimum: 0, maximum: 9223372036854775807}

  headers:
    Cache:
      description: "`hit` or `miss` when the server caches `GET /api/v1` answers (`takumi serve --cache-ttl-ms`); absent otherwise."
      schema: {type: string, enum: [hit, miss]}
    Paused:
      description: "`true` while any Takumi contract is paused (as of the last health probe); absent otherwise."
      schema: {type: string, enum: ["true"]}
    RateLimitLimit:
      description: Requests allowed per window to this client.
      schema: {type: integer, minimum: 0}
    RateLimitRemaining:
      description: Requests left in the current window.
      schema: {type: integer, minimum: 0}
    RateLimitReset:
      description: Seconds until the window resets.
      schema: {type: integer, minimum: 0}
    NoStore:
      description: Tokens and personal data are never cached.
      schema: {type: string, enum: [no-store]}

  responses:
    BadRequest:
      description: A query or path parameter is invalid; `parameter` names it.
      headers:
        X-Takumi-Paused: {$ref: "#/components/headers/Paused"}
        RateLimit-Limit: {$ref: "#/components/headers/RateLimitLimit"}
        RateLimit-Remaining: {$ref: "#/components/headers/RateLimitRemaining"}
        RateLimit-Reset: {$ref: "#/components/headers/RateLimitReset"}
      content:
        application/problem+json:
          schema: {$ref: "#/components/schemas/Problem"}
          example:
            type: https://takumi.dev/problems/bad-parameter
            title: Bad parameter
            status: 400
            detail: "not an Ethereum address (0x and 40 hex digits): 0x12"
            instance: /api/v1/profiles/0x12
            parameter: address
    BadAPIKey:
      description: The request carries an `X-API-Key` header that holds no active key (rate-limited routes check it before anything else).
      headers:
        X-Takumi-Paused: {$ref: "#/components/headers/Paused"}
      content:
        application/problem+json:
          schema: {$ref: "#/components/schemas/Problem"}
          example:
            type: https://takumi.dev/problems/bad-api-key
            title: Unknown API key
            status: 401
            detail: the X-API-Key header holds no active key
            instance: /api/v1/profiles
    Unauthorized:
      description: |
        `auth-failed`: a refused sign-in, refresh token or access token
        (missing, invalid, expired, or of a session that was signed out or
        revoked); `reason` says which. Failures of the access token carry
        `WWW-Authenticate` (RFC 6750). Also `bad-api-key`: the request
        carries an `X-API-Key` that holds no active key.
      headers:
        X-Takumi-Paused: {$ref: "#/components/headers/Paused"}
        RateLimit-Limit: {$ref: "#/components/headers/RateLimitLimit"}
        RateLimit-Remaining: {$ref: "#/components/headers/RateLimitRemaining"}
        RateLimit-Reset: {$ref: "#/components/headers/RateLimitReset"}
        WWW-Authenticate:
          description: "`Bearer realm=\"takumi\"`, with `error=\"invalid_token\"` when a token was presented."
          schema: {type: string}
      content:
        application/problem+json:
          schema: {$ref: "#/components/schemas/AuthProblem"}
          example:
            type: https://takumi.dev/problems/auth-failed
            title: Authentication failed
            status: 401
            reason: token-missing
            detail: "send Authorization: Bearer <access token>"
            instance: /api/v1/me
    Forbidden:
      description: "`forbidden`: the signed-in account is not an admin."
      headers:
        X-Takumi-Paused: {$ref: "#/components/headers/Paused"}
        RateLimit-Limit: {$ref: "#/components/headers/RateLimitLimit"}
        RateLimit-Remaining: {$ref: "#/components/headers/RateLimitRemaining"}
        RateLimit-Reset: {$ref: "#/components/headers/RateLimitReset"}
      content:
        application/problem+json:
          schema: {$ref: "#/components/schemas/Problem"}
          example:
            type: https://takumi.dev/problems/forbidden
            title: Forbidden
            status: 403
            detail: this route is for admins; 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 is not one
            instance: /api/v1/admin/api-keys
    BadBody:
      description: "`bad-body`: the request body is not the JSON the operation takes (`parameter` names a field when one is at fault); or `bad-parameter` for a path parameter."
      headers:
        X-Takumi-Paused: {$ref: "#/components/headers/Paused"}
        RateLimit-Limit: {$ref: "#/components/headers/RateLimitLimit"}
        RateLimit-Remaining: {$ref: "#/components/headers/RateLimitRemaining"}
        RateLimit-Reset: {$ref: "#/components/headers/RateLimitReset"}
      content:
        application/problem+json:
          schema: {$ref: "#/components/schemas/Problem"}
          example:
            type: https://takumi.dev/problems/bad-body
            title: Bad request body
            status: 400
            detail: 'the body must be JSON of the form {"refreshToken": string}'
            instance: /api/v1/auth/refresh
    NotFound:
      description: No such resource (or, for any path the server does not know, no such route).
      headers:
        X-Takumi-Paused: {$ref: "#/components/headers/Paused"}
        RateLimit-Limit: {$ref: "#/components/headers/RateLimitLimit"}
        RateLimit-Remaining: {$ref: "#/components/headers/RateLimitRemaining"}
        RateLimit-Reset: {$ref: "#/components/headers/RateLimitReset"}
      content:
        application/problem+json:
          schema: {$ref: "#/components/schemas/Problem"}
          example:
            type: https://takumi.dev/problems/not-found
            title: Not found
            status: 404
            detail: no skill 999999 on dev
            instance: /api/v1/skills/999999
    MethodNotAllowed:
      description: The path exists but not with this method.
      headers:
        Allow:
          schema: {type: string}
      content:
        application/problem+json:
          schema: {$ref: "#/components/schemas/Problem"}
    PayloadTooLarge:
      description: The request body is over the server's limit (`MAX_BODY_BYTES`).
      content:
        application/problem+json:
          schema: {$ref: "#/components/schemas/Problem"}
    TooManyRequests:
      description: Over this client's request budget; retry after `Retry-After` seconds.
      headers:
        X-Takumi-Paused: {$ref: "#/components/headers/Paused"}
        RateLimit-Limit:
          $ref: "#/components/headers/RateLimitLimit"
        RateLimit-Remaining:
          $ref: "#/components/headers/RateLimitRemaining"
        RateLimit-Reset:
          $ref: "#/components/headers/RateLimitReset"
        Retry-After:
          description: Seconds to wait before the next request.
          required: true
          schema: {type: integer, minimum: 0}
      content:
        application/problem+json:
          schema: {$ref: "#/components/schemas/Problem"}
          example:
            type: https://takumi.dev/problems/rate-limited
            title: Too many requests
            status: 429
            detail: more than 120 requests in 60 s; retry in 17 s
            instance: /api/v1/profiles
    InternalError:
      description: The server failed to answer; the error is logged, the answer reveals nothing.
      headers:
        X-Takumi-Paused: {$ref: "#/components/headers/Paused"}
      content:
        application/problem+json:
          schema: {$ref: "#/components/schemas/Problem"}
    ServiceUnavailable:
      description: |
        `dependency-unavailable`: a store the operation needs (Redis, for
        sign-in nonces) does not answer; nothing was changed, retry after
        `Retry-After` seconds. `unavailable`: the server cannot take more of
        this now (too many outstanding nonces).
      headers:
        X-Takumi-Paused: {$ref: "#/components/headers/Paused"}
        RateLimit-Limit: {$ref: "#/components/headers/RateLimitLimit"}
        RateLimit-Remaining: {$ref: "#/components/headers/RateLimitRemaining"}
        RateLimit-Reset: {$ref: "#/components/headers/RateLimitReset"}
        Retry-After:
          description: Seconds to wait before trying again.
          schema: {type: integer, minimum: 0}
      content:
        application/problem+json:
          schema: {$ref: "#/components/schemas/Problem"}
          example:
            type: https://takumi.dev/problems/dependency-unavailable
            title: Dependency unavailable
            status: 503
            detail: "no sign-in nonce can be issued now: the sign-in nonce store does not answer (Redis unavailable: cannot connect to 127.0.0.1:6379); try again shortly"
            instance: /api/v1/auth/nonce

  schemas:
    Problem:
      type: object
      description: An RFC 9457 problem document.
      required: [type, title, status, detail, instance]
      properties:
        type:
          type: string
          format: uri
          description: "`https://takumi.dev/problems/` and the kind: `bad-parameter`, `not-found`, `method-not-allowed`, `body-too-large`, `bad-api-key`, `bad-body`, `auth-failed`, `forbidden`, `rate-limited`, `unavailable`, `dependency-unavailable`, `internal`, or `http-<status>`."
          examples: [https://takumi.dev/problems/bad-parameter]
        title: {type: string, description: "Short summary of the kind of problem."}
        status: {type: integer, minimum: 400, maximum: 599}
        detail: {type: string, description: "What went wrong with this request."}
        instance: {type: string, description: "The request path."}
        parameter: {type: string, description: "The query or path parameter at fault (400 only)."}
    AuthProblem:
      description: A 401 problem; `auth-failed` ones say why in `reason`.
      allOf:
        - {$ref: "#/components/schemas/Problem"}
        - type: object
          properties:
            reason:
              type: string
              description: |
                Present on `auth-failed`. Sign-in: `malformed`, `domain`,
                `uri`, `chain`, `nonce` (not issued here, or expired),
                `replay` (already used), `expired`, `not-yet-valid`,
                `issued-in-future`, `signature`. Refresh tokens:
                `refresh-invalid`, `refresh-expired`, `refresh-revoked`,
                `refresh-reused`. Access tokens: `token-missing`,
                `token-invalid`, `token-expired`, `session-revoked`.
              enum: [malformed, domain, uri, chain, nonce, replay, expired, not-yet-valid, issued-in-future, signature,
                     refresh-invalid, refresh-expired, refresh-revoked, refresh-reused,
                     token-missing, token-invalid, token-expired, session-revoked]

    Nonce:
      type: object
      required: [nonce, expiresAt]
      additionalProperties: false
      properties:
        nonce: {type: string, pattern: "^[0-9A-Za-z]{8,}$", description: "For the message's `Nonce:` line."}
        expiresAt: {type: string, format: date-time, description: "The nonce is refused after this (RFC 3339, UTC)."}
    SignInRequest:
      type: object
      required: [message, signature]
      properties:
        message: {type: string, description: "The EIP-4361 message exactly as the wallet signed it."}
        signature:
          type: string
          description: The wallet's `personal_sign` (EIP-191) signature, 65 bytes as hex.
          pattern: "^(0x)?[0-9a-fA-F]{130}$"
    RefreshRequest:
      type: object
      required: [refreshToken]
      properties:
        refreshToken: {type: string, description: "A refresh token from `signIn` or `refreshSession`."}
    Tokens:
      type: object
      required: [accessToken, refreshToken, tokenType, expiresIn, address, role]
      additionalProperties: false
      properties:
        accessToken: {type: string, description: "An HS256 JWT; send it as `Authorization: Bearer …`."}
        refreshToken: {type: string, pattern: "^rt_", description: "Opaque, single use; keep it secret."}
        tokenType: {type: string, enum: [Bearer]}
        expiresIn: {type: integer, minimum: 1, description: "Seconds the access token is valid (900)."}
        address: {$ref: "#/components/schemas/Address"}
        role: {$ref: "#/components/schemas/Role"}
    Role:
      type: string
      enum: [user, admin]
      description: "`admin` for addresses in `ADMIN_ADDRESSES` (withdrawn at once when the address leaves the list)."
    Me:
      type: object
      required: [address, role, profile, claims, assignedClaims]
      additionalProperties: false
      properties:
        address: {$ref: "#/components/schemas/Address"}
        role: {$ref: "#/components/schemas/Role"}
        profile:
          description: The address's profile; null when it has none.
          oneOf:
            - {$ref: "#/components/schemas/Profile"}
            - {type: "null"}
        claims: {$ref: "#/components/schemas/ClaimPage"}
        assignedClaims: {$ref: "#/components/schemas/ClaimPage"}

    CreateAPIKeyRequest:
      type: object
      required: [name]
      properties:
        name: {type: string, minLength: 1, maxLength: 100, pattern: "\\S", description: "A label for people; trimmed, 1 to 100 characters."}
        requestsPerMinute: {type: integer, minimum: 1, maximum: 1000000, description: "The key's own budget; absent: the server's default for keys."}
    CreatedAPIKey:
      type: object
      required: [id, key, prefix, name, requestsPerMinute]
      additionalProperties: false
      properties:
        id: {type: integer, minimum: 1}
        key: {type: string, pattern: "^tk_", description: "The key. It is not stored and not shown again."}
        prefix: {type: string, description: "The key's first characters, to recognise it in lists."}
        name: {type: string}
        requestsPerMinute: {type: [integer, "null"], minimum: 1}
    APIKey:
      type: object
      required: [id, name, prefix, createdBy, createdAt, revokedAt, lastUsedAt, requestsPerMinute, active]
      additionalProperties: false
      properties:
        id: {type: integer, minimum: 1}
        name: {type: string}
        prefix: {type: string}
        createdBy: {$ref: "#/components/schemas/Address"}
        createdAt: {type: string, format: date-time}
        revokedAt: {type: [string, "null"], format: date-time}
        lastUsedAt: {type: [string, "null"], format: date-time}
        requestsPerMinute: {type: [integer, "null"], minimum: 1}
        active: {type: boolean, description: "False once revoked."}
    APIKeyList:
      type: object
      required: [items]
      additionalProperties: false
      properties:
        items: {type: array, items: {$ref: "#/components/schemas/APIKey"}}
    AuditEntry:
      type: object
      required: [id, at, actor, action, target, detail, requestId]
      additionalProperties: false
      properties:
        id: {type: integer, minimum: 1}
        at: {type: string, format: date-time}
        actor: {type: string, description: "The admin's address (EIP-55)."}
        action: {type: string, examples: [api-key.create, api-key.revoke, api-key.list, audit-log.read]}
        target: {type: [string, "null"], examples: [api-key/7]}
        detail: {description: "What was done, as a JSON object (never secrets)."}
        requestId: {type: [string, "null"], description: "The request's `X-Request-ID`, or the server's id of it."}
    AuditLog:
      type: object
      required: [items]
      additionalProperties: false
      properties:
        items: {type: array, maxItems: 500, items: {$ref: "#/components/schemas/AuditEntry"}}

    Address:
      type: string
      description: An Ethereum address in EIP-55 checksum case.
      pattern: "^0x[0-9a-fA-F]{40}$"
      examples: ["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"]
    AddressInput:
      type: string
      description: "`0x` and 40 hex digits, all lowercase or all uppercase; valid EIP-55 mixed case is accepted as well."
      pattern: "^0x([0-9a-f]{40}|[0-9A-F]{40})$"
      examples: ["0x70997970c51812dc3a010c7d01b50e0d17dc79c8"]
    Flag:
      type: string
      description: "`true`, `false`, `1` or `0`, in any case."
      pattern: "^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|[01])$"
      examples: ["true"]
    Block:
      type: integer
      minimum: 0
    OptionalBlock:
      type: [integer, "null"]
      minimum: 0
    ClaimStatus:
      type: string
      enum: [pending, assigned, approved, rejected, disputed, rejection_upheld]
    Finality:
      type: object
      required: [finalized, confirmations]
      properties:
        finalized: {type: boolean, description: "The row's last change is at least the finality depth below the head."}
        confirmations: {type: integer, minimum: 0, description: "Blocks from the row's last change to the head, both counted (0 while the head is unknown)."}

    Profile:
      type: object
      required: [owner, name, bio, metadataUri, skillCount, createdBlock, updatedBlock, lastBlock, finalized, confirmations]
      additionalProperties: false
      properties:
        owner: {$ref: "#/components/schemas/Address"}
        name: {type: string}
        bio: {type: string}
        metadataUri: {type: string}
        skillCount: {type: integer, minimum: 0}
        createdBlock: {$ref: "#/components/schemas/Block"}
        updatedBlock: {$ref: "#/components/schemas/Block"}
        lastBlock: {$ref: "#/components/schemas/Block"}
        finalized: {$ref: "#/components/schemas/Finality/properties/finalized"}
        confirmations: {$ref: "#/components/schemas/Finality/properties/confirmations"}
    ProfileDetail:
      type: object
      required: [owner, name, bio, metadataUri, skillCount, createdBlock, updatedBlock, lastBlock, finalized, confirmations, skills, endorsementsReceived, endorsementsGiven]
      additionalProperties: false
      properties:
        owner: {$ref: "#/components/schemas/Address"}
        name: {type: string}
        bio: {type: string}
        metadataUri: {type: string}
        skillCount: {type: integer, minimum: 0}
        createdBlock: {$ref: "#/components/schemas/Block"}
        updatedBlock: {$ref: "#/components/schemas/Block"}
        lastBlock: {$ref: "#/components/schemas/Block"}
        finalized: {$ref: "#/components/schemas/Finality/properties/finalized"}
        confirmations: {$ref: "#/components/schemas/Finality/properties/confirmations"}
        skills:
          type: array
          description: The owner's skills that are not removed (at most 100).
          maxItems: 100
          items: {$ref: "#/components/schemas/Skill"}
        endorsementsReceived: {type: integer, minimum: 0, description: "Active endorsements of this owner."}
        endorsementsGiven: {type: integer, minimum: 0, description: "Active endorsements by this owner."}

    Skill:
      type: object
      required: [id, owner, name, category, verified, removed, verifiedByClaim, createdBlock, removedBlock, lastBlock, finalized, confirmations]
      additionalProperties: false
      properties:
        id: {type: integer, minimum: 0}
        owner: {$ref: "#/components/schemas/Address"}
        name: {type: string}
        category: {type: string}
        verified: {type: boolean}
        removed: {type: boolean}
        verifiedByClaim: {type: [integer, "null"], minimum: 0, description: "The approved claim that verified the skill."}
        createdBlock: {$ref: "#/components/schemas/Block"}
        removedBlock: {$ref: "#/components/schemas/OptionalBlock"}
        lastBlock: {$ref: "#/components/schemas/Block"}
        finalized: {$ref: "#/components/schemas/Finality/properties/finalized"}
        confirmations: {$ref: "#/components/schemas/Finality/properties/confirmations"}

    Claim:
      type: object
      required: [id, claimant, skillId, evidenceUri, verifier, status, rejectionReason, disputeReason, resolutionNote, createdBlock, updatedBlock, lastBlock, finalized, confirmations]
      additionalProperties: false
      properties:
        id: {type: integer, minimum: 0}
        claimant: {$ref: "#/components/schemas/Address"}
        skillId: {type: integer, minimum: 0}
        evidenceUri: {type: string}
        verifier:
          description: The assigned verifier; null until one is assigned.
          oneOf:
            - {$ref: "#/components/schemas/Address"}
            - {type: "null"}
        status: {$ref: "#/components/schemas/ClaimStatus"}
        rejectionReason: {type: [string, "null"]}
        disputeReason: {type: [string, "null"]}
        resolutionNote: {type: [string, "null"]}
        createdBlock: {$ref: "#/components/schemas/Block"}
        updatedBlock: {$ref: "#/components/schemas/Block"}
        lastBlock: {$ref: "#/components/schemas/Block"}
        finalized: {$ref: "#/components/schemas/Finality/properties/finalized"}
        confirmations: {$ref: "#/components/schemas/Finality/properties/confirmations"}

    Endorsement:
      type: object
      required: [id, endorser, endorsee, skillId, message, active, createdBlock, revokedBlock, lastBlock, finalized, confirmations]
      additionalProperties: false
      properties:
        id: {type: integer, minimum: 0}
        endorser: {$ref: "#/components/schemas/Address"}
        endorsee: {$ref: "#/components/schemas/Address"}
        skillId: {type: integer, minimum: 0}
        message: {type: string}
        active: {type: boolean, description: "False once revoked."}
        createdBlock: {$ref: "#/components/schemas/Block"}
        revokedBlock: {$ref: "#/components/schemas/OptionalBlock"}
        lastBlock: {$ref: "#/components/schemas/Block"}
        finalized: {$ref: "#/components/schemas/Finality/properties/finalized"}
        confirmations: {$ref: "#/components/schemas/Finality/properties/confirmations"}

    Verifier:
      type: object
      required: [account, name, organisation, specialisations, active, suspensionReason, registeredBlock, updatedBlock, lastBlock, finalized, confirmations]
      additionalProperties: false
      properties:
        account: {$ref: "#/components/schemas/Address"}
        name: {type: string}
        organisation: {type: string}
        specialisations: {type: array, items: {type: string}}
        active: {type: boolean, description: "False while suspended."}
        suspensionReason: {type: [string, "null"]}
        registeredBlock: {$ref: "#/components/schemas/Block"}
        updatedBlock: {$ref: "#/components/schemas/Block"}
        lastBlock: {$ref: "#/components/schemas/Block"}
        finalized: {$ref: "#/components/schemas/Finality/properties/finalized"}
        confirmations: {$ref: "#/components/schemas/Finality/properties/confirmations"}
    VerifierDetail:
      type: object
      required: [account, name, organisation, specialisations, active, suspensionReason, registeredBlock, updatedBlock, lastBlock, finalized, confirmations, statistics]
      additionalProperties: false
      properties:
        account: {$ref: "#/components/schemas/Address"}
        name: {type: string}
        organisation: {type: string}
        specialisations: {type: array, items: {type: string}}
        active: {type: boolean, description: "False while suspended."}
        suspensionReason: {type: [string, "null"]}
        registeredBlock: {$ref: "#/components/schemas/Block"}
        updatedBlock: {$ref: "#/components/schemas/Block"}
        lastBlock: {$ref: "#/components/schemas/Block"}
        finalized: {$ref: "#/components/schemas/Finality/properties/finalized"}
        confirmations: {$ref: "#/components/schemas/Finality/properties/confirmations"}
        statistics:
          type: object
          description: Claims currently assigned to this verifier, by status.
          required: [assigned, approved, rejected, disputed, rejectionUpheld]
          additionalProperties: false
          properties:
            assigned: {type: integer, minimum: 0}
            approved: {type: integer, minimum: 0}
            rejected: {type: integer, minimum: 0}
            disputed: {type: integer, minimum: 0}
            rejectionUpheld: {type: integer, minimum: 0}

    NextCursor:
      type: [string, "null"]
      description: Pass as `cursor` for the next page; null on the last page.
    ProfilePage:
      type: object
      required: [items, nextCursor]
      additionalProperties: false
      properties:
        items: {type: array, maxItems: 100, items: {$ref: "#/components/schemas/Profile"}}
        nextCursor: {$ref: "#/components/schemas/NextCursor"}
    SkillPage:
      type: object
      required: [items, nextCursor]
      additionalProperties: false
      properties:
        items: {type: array, maxItems: 100, items: {$ref: "#/components/schemas/Skill"}}
        nextCursor: {$ref: "#/components/schemas/NextCursor"}
    ClaimPage:
      type: object
      required: [items, nextCursor]
      additionalProperties: false
      properties:
        items: {type: array, maxItems: 100, items: {$ref: "#/components/schemas/Claim"}}
        nextCursor: {$ref: "#/components/schemas/NextCursor"}
    EndorsementPage:
      type: object
      required: [items, nextCursor]
      additionalProperties: false
      properties:
        items: {type: array, maxItems: 100, items: {$ref: "#/components/schemas/Endorsement"}}
        nextCursor: {$ref: "#/components/schemas/NextCursor"}
    VerifierPage:
      type: object
      required: [items, nextCursor]
      additionalProperties: false
      properties:
        items: {type: array, maxItems: 100, items: {$ref: "#/components/schemas/Verifier"}}
        nextCursor: {$ref: "#/components/schemas/NextCursor"}

    Stats:
      type: object
      required: [chain, totals, recentActivity, head, syncedBlock]
      additionalProperties: false
      properties:
        chain: {type: string, description: "The chain's name (CHAIN)."}
        totals:
          type: object
          required: [profiles, skills, verifiedSkills, claims, approvedClaims, endorsements, verifiers, events]
          additionalProperties: false
          properties:
            profiles: {type: integer, minimum: 0}
            skills: {type: integer, minimum: 0, description: "Not removed."}
            verifiedSkills: {type: integer, minimum: 0, description: "Verified and not removed."}
            claims: {type: integer, minimum: 0}
            approvedClaims: {type: integer, minimum: 0}
            endorsements: {type: integer, minimum: 0, description: "Active."}
            verifiers: {type: integer, minimum: 0, description: "Active."}
            events: {type: integer, minimum: 0, description: "Contract events indexed."}
        recentActivity:
          type: array
          maxItems: 10
          description: The most recent events, newest first.
          items:
            type: object
            required: [blockNumber, event, transactionHash, logIndex, contract]
            additionalProperties: false
            properties:
              blockNumber: {$ref: "#/components/schemas/Block"}
              event: {type: [string, "null"], description: "The event's name; null when it was not decoded."}
              transactionHash: {type: string, pattern: "^0x[0-9a-f]{64}$"}
              logIndex: {type: integer, minimum: 0}
              contract: {type: [string, "null"], description: "The contract's name in the deployment manifest."}
        head: {$ref: "#/components/schemas/OptionalBlock"}
        syncedBlock: {$ref: "#/components/schemas/OptionalBlock"}

    Contracts:
      type: object
      required: [network, chainId, contracts, paused]
      additionalProperties: false
      properties:
        network: {type: string}
        chainId: {type: integer, minimum: 1}
        paused: {type: boolean, description: "Any contract is paused."}
        contracts:
          type: array
          items:
            type: object
            required: [name, address, implementation, version, paused, abi]
            additionalProperties: false
            properties:
              name: {type: string, examples: [SkillProfile]}
              address: {$ref: "#/components/schemas/Address"}
              implementation: {$ref: "#/components/schemas/Address"}
              version: {type: string, description: "Empty for the multisig."}
              paused: {type: boolean}
              abi:
                type: array
                description: The contract's JSON ABI.
                items: {type: object}

    ComponentHealth:
      type: object
      required: [status]
      additionalProperties: false
      properties:
        status: {type: string, enum: [unknown, not_configured, up, down]}
        detail: {type: string, description: "When up."}
        latencyMs: {type: number, minimum: 0, description: "When up and measured."}
        error: {type: string, description: "When down."}
    Health:
      type: object
      required: [status, version, commit, checkedAt, components]
      additionalProperties: false
      properties:
        status: {type: string, enum: [ok, degraded, down]}
        version: {type: string}
        commit: {type: string}
        checkedAt: {type: [string, "null"], format: date-time, description: "When the last probe ran; null before the first."}
        components:
          type: object
          required: [database, rpc, redis, indexer, contracts]
          additionalProperties: false
          properties:
            database: {$ref: "#/components/schemas/ComponentHealth"}
            rpc: {$ref: "#/components/schemas/ComponentHealth"}
            redis: {$ref: "#/components/schemas/ComponentHealth"}
            indexer:
              type: object
              required: [chain, head, syncedBlock, lag, headAgeSeconds, lastError, stopped]
              additionalProperties: false
              properties:
                chain: {type: string}
                head: {$ref: "#/components/schemas/OptionalBlock"}
                syncedBlock: {$ref: "#/components/schemas/OptionalBlock"}
                lag: {type: [integer, "null"], minimum: 0}
                headAgeSeconds: {type: [number, "null"]}
                lastError: {type: [string, "null"]}
                stopped: {type: boolean}
                leader: {type: boolean, description: "Whether this process holds the indexer lease (absent when it runs no indexer)."}
            contracts:
              type: object
              required: [paused, pausedContracts]
              additionalProperties: false
              properties:
                paused: {type: boolean}
                pausedContracts: {type: array, items: {type: string}}
    Readiness:
      type: object
      required: [ready, database, lag, maxLag]
      additionalProperties: false
      properties:
        ready: {type: boolean}
        database: {type: string, enum: [unknown, not_configured, up, down]}
        lag: {type: [integer, "null"], minimum: 0, description: "Blocks between the head and the last indexed block; null while either is unknown."}
        maxLag: {type: integer, minimum: 0}
    IndexerMetrics:
      type: object
      required: [chains]
      additionalProperties: false
      properties:
        chains:
          type: array
          items:
            type: object
            required: [chain, head, syncedBlock, lag, headAgeSeconds]
            additionalProperties: false
            properties:
              chain: {type: string}
              head: {$ref: "#/components/schemas/OptionalBlock"}
              syncedBlock: {$ref: "#/components/schemas/OptionalBlock"}
              lag: {type: [integer, "null"], minimum: 0}
              headAgeSeconds: {type: [number, "null"]}
"""#
}
