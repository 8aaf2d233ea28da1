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
/// - Auth routes (`/api/v1/auth/...`, `/api/v1/me`, `/api/v1/admin/...`) go
///   under `paths` with `security: [{bearerAuth: []}]` and the `Unauthorized`
///   / `Forbidden` responses, which are already in `components`.
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
      description: Missing, malformed or expired credentials (for the authenticated routes).
      headers:
        WWW-Authenticate:
          schema: {type: string}
      content:
        application/problem+json:
          schema: {$ref: "#/components/schemas/Problem"}
    Forbidden:
      description: The credentials do not grant this route (for the authenticated routes).
      content:
        application/problem+json:
          schema: {$ref: "#/components/schemas/Problem"}
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
      description: A dependency the route needs is down.
      headers:
        Retry-After:
          schema: {type: integer, minimum: 0}
      content:
        application/problem+json:
          schema: {$ref: "#/components/schemas/Problem"}

  schemas:
    Problem:
      type: object
      description: An RFC 9457 problem document.
      required: [type, title, status, detail, instance]
      properties:
        type:
          type: string
          format: uri
          description: "`https://takumi.dev/problems/` and the kind: `bad-parameter`, `not-found`, `method-not-allowed`, `body-too-large`, `bad-api-key`, `rate-limited`, `unavailable`, `internal`, or `http-<status>`."
          examples: [https://takumi.dev/problems/bad-parameter]
        title: {type: string, description: "Short summary of the kind of problem."}
        status: {type: integer, minimum: 400, maximum: 599}
        detail: {type: string, description: "What went wrong with this request."}
        instance: {type: string, description: "The request path."}
        parameter: {type: string, description: "The query or path parameter at fault (400 only)."}

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
