// Integration tests encrypt secrets and mint run tokens with a key of their own, made per test
// file: they must never read or create the secret-key file of a developer's data folder.
import crypto from "node:crypto";
import { secretKey } from "../../server/secrets/crypto.ts";
import { installSecretKey } from "../../server/secrets/secret-key.ts";

installSecretKey(secretKey(crypto.randomBytes(32)));
