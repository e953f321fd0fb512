/**
 * Codes of every problem the workflow loader reports (listed with explanations in docs/errors.md).
 * `CAIRN_ERR_*` are client errors (HTTP status 400 when the service rejects a document);
 * `CAIRN_WARN_*` are warnings: the document loads, unless validated with `--strict`.
 */
export const ISSUE = {
  /** The text is not well-formed YAML or JSON (also duplicate keys and several documents in one file). */
  yamlSyntax: 'CAIRN_ERR_YAML_SYNTAX',
  /** The document is larger than the size limit. */
  tooLarge: 'CAIRN_ERR_TOO_LARGE',
  /** Mappings, sequences or brackets nest deeper than the limit. */
  tooDeep: 'CAIRN_ERR_TOO_DEEP',
  /** YAML aliases expand more often than the limit allows (an "alias bomb"). */
  aliasLimit: 'CAIRN_ERR_ALIAS_LIMIT',
  /** A value JSON cannot hold: NaN, infinity, binary data. */
  notJson: 'CAIRN_ERR_NOT_JSON',
  /** The document does not match the official Serverless Workflow schema. */
  schema: 'CAIRN_ERR_SCHEMA',
  /** `document.dsl` names a DSL version Cairn does not run. */
  unsupportedDsl: 'CAIRN_ERR_UNSUPPORTED_DSL',
  /** A `then` names no task of the same task list. */
  thenTarget: 'CAIRN_ERR_THEN_TARGET',
  /** Two tasks of one task list share a name. */
  duplicateTask: 'CAIRN_ERR_DUPLICATE_TASK',
  /** A named error, retry policy, timeout, function or authentication is not defined under `use`. */
  unknownReference: 'CAIRN_ERR_UNKNOWN_REFERENCE',
  /** A runtime expression is not a valid jq program. */
  expressionSyntax: 'CAIRN_ERR_EXPRESSION_SYNTAX',
  /** The file could not be read. */
  unreadable: 'CAIRN_ERR_UNREADABLE',
  /** Warning: a `1.0.0-alpha*` document, run as DSL 1.0; names a construct whose meaning changed. */
  preRelease: 'CAIRN_WARN_DSL_PRERELEASE',
  /** Warning: a 1.0.x document uses a construct only the specification's main (after 1.0.3) defines. */
  postRelease: 'CAIRN_WARN_POST_RELEASE',
  /** Warning: runtimes disagree on this construct; the document may behave differently elsewhere. */
  portability: 'CAIRN_WARN_PORTABILITY',
} as const;

export type IssueCode = (typeof ISSUE)[keyof typeof ISSUE];

/** HTTP status the service answers with when a document is rejected for any of these codes. */
export const ISSUE_HTTP_STATUS = 400;
