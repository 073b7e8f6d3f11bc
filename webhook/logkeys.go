package webhook

// The keys of the values the webhook logs, named once so that every
// message spells them alike and a log query can rely on them (as
// Gatekeeper's pkg/logging names its keys).
const (
	logUID         = "uid"         // the admission request's
	logKind        = "kind"        // an object's kind, or a watched kind (group/version, Kind=...)
	logNamespace   = "namespace"   // the request's object's namespace
	logName        = "name"        // the request's object's name
	logOperation   = "operation"   // CREATE, UPDATE, DELETE, CONNECT
	logError       = "error"       // an error that is logged, not returned
	logRule        = "rule"        // a finding's rule code
	logEnforcement = "enforcement" // what the webhook does with a finding
	logObject      = "object"      // a finding's object, as Kind ns/name
	logMessage     = "message"     // a finding's message
	logDryRun      = "dryRun"      // whether the request is a dry run
	logOutcome     = "outcome"     // why a request body was refused
	logRemote      = "remote"      // the address a request came from
	logPeer        = "peer"        // a peer cluster's name
	logRetryIn     = "retryIn"     // when a failed peer is tried again
	logObjects     = "objects"     // how many objects a state holds
	logReason      = "reason"      // why a peer or remote secret was dropped
	logSecret      = "secret"      // a remote secret, as namespace/name
)
