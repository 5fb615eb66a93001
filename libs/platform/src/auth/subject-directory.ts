/**
 * Who a token's subject is, for tokens that carry no verified email: the identity provider's `sub`
 * (an Okta user id or login, say) mapped to the person's login by the directory. Optional: a service
 * without one refuses such tokens.
 */
export interface SubjectDirectory {
  /** The login of the person the identity provider calls `subject`; undefined when it knows no such person. */
  loginOf(subject: string): Promise<string | undefined>;
}
