// WebAuthn in the browser without a library: the server's options (py_webauthn's JSON, binary
// fields as base64url) become the ArrayBuffers navigator.credentials wants, and the credential
// it returns becomes the JSON the server verifies (again base64url).

export function base64urlToBuffer(value: string): ArrayBuffer {
  const base64 = value.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

export function bufferToBase64url(buffer: ArrayBuffer | ArrayBufferView): string {
  const bytes =
    buffer instanceof ArrayBuffer
      ? new Uint8Array(buffer)
      : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

type Json = Record<string, unknown>;
interface CredentialDescriptorJson {
  id: string;
  type?: string;
  transports?: string[];
}

/**
 * The server's answer to `.../options`: the options themselves, or wrapped as `{options}` /
 * `{publicKey}` next to other fields (e.g. a challenge id) that go back with the verification.
 */
export function splitOptions(answer: unknown): { options: Json; extras: Json } {
  const obj = (answer ?? {}) as Json;
  for (const key of ["publicKey", "options"]) {
    const inner = obj[key];
    if (inner && typeof inner === "object") {
      const extras = { ...obj };
      delete extras[key];
      return { options: inner as Json, extras };
    }
  }
  return { options: obj, extras: {} };
}

function descriptors(list: unknown): PublicKeyCredentialDescriptor[] | undefined {
  if (!Array.isArray(list)) return undefined;
  return (list as CredentialDescriptorJson[]).map((d) => ({
    ...d,
    type: "public-key",
    id: base64urlToBuffer(d.id),
    transports: d.transports as AuthenticatorTransport[] | undefined,
  }));
}

export function toRequestOptions(options: Json): PublicKeyCredentialRequestOptions {
  return {
    ...(options as unknown as PublicKeyCredentialRequestOptions),
    challenge: base64urlToBuffer(options.challenge as string),
    allowCredentials: descriptors(options.allowCredentials),
  };
}

export function toCreationOptions(options: Json): PublicKeyCredentialCreationOptions {
  const user = options.user as Json;
  return {
    ...(options as unknown as PublicKeyCredentialCreationOptions),
    challenge: base64urlToBuffer(options.challenge as string),
    user: { ...(user as unknown as PublicKeyCredentialUserEntity), id: base64urlToBuffer(user.id as string) },
    excludeCredentials: descriptors(options.excludeCredentials),
  };
}

const b64 = (buffer: ArrayBuffer | null | undefined) => (buffer ? bufferToBase64url(buffer) : null);

/** A credential from navigator.credentials.get/create as the JSON py_webauthn parses. */
export function credentialToJson(credential: PublicKeyCredential): Json {
  const response = credential.response;
  const out: Json = {
    id: credential.id,
    rawId: bufferToBase64url(credential.rawId),
    type: credential.type,
    clientExtensionResults: credential.getClientExtensionResults?.() ?? {},
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
  };
  if ("attestationObject" in response) {
    const att = response as AuthenticatorAttestationResponse;
    out.response = {
      clientDataJSON: bufferToBase64url(att.clientDataJSON),
      attestationObject: bufferToBase64url(att.attestationObject),
      transports: att.getTransports?.() ?? [],
    };
  } else {
    const assertion = response as AuthenticatorAssertionResponse;
    out.response = {
      clientDataJSON: bufferToBase64url(assertion.clientDataJSON),
      authenticatorData: bufferToBase64url(assertion.authenticatorData),
      signature: bufferToBase64url(assertion.signature),
      userHandle: b64(assertion.userHandle),
    };
  }
  return out;
}

export function passkeysSupported(): boolean {
  return typeof window !== "undefined" && typeof window.PublicKeyCredential === "function" && !!navigator.credentials;
}

/** Signs with a passkey: the server's request options → the assertion JSON. */
export async function getAssertion(answer: unknown): Promise<{ credential: Json; extras: Json }> {
  const { options, extras } = splitOptions(answer);
  const credential = (await navigator.credentials.get({
    publicKey: toRequestOptions(options),
  })) as PublicKeyCredential | null;
  if (!credential) throw new Error("No passkey was chosen.");
  return { credential: credentialToJson(credential), extras };
}

/** Makes a passkey: the server's creation options → the attestation JSON. */
export async function createCredential(answer: unknown): Promise<{ credential: Json; extras: Json }> {
  const { options, extras } = splitOptions(answer);
  const credential = (await navigator.credentials.create({
    publicKey: toCreationOptions(options),
  })) as PublicKeyCredential | null;
  if (!credential) throw new Error("No passkey was made.");
  return { credential: credentialToJson(credential), extras };
}
