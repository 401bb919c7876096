/** `gatehouse keys generate | rotate`: JWK sets for JWT_SIGNING_KEYS, in the order signing-keys.ts reads them. */
import { type Command, Option } from "commander";
import { generateKeySet, KEY_SET_ALGORITHMS, type KeySetAlgorithm, rotateKeySet } from "../../modules/auth/signing-keys.ts";
import { CliError } from "../cli-kit.ts";

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new CliError("keys rotate reads the current set on standard input: gatehouse keys rotate < keys.json");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export function registerKeyCommands(program: Command): void {
  const keys = program
    .command("keys")
    .description("signing keys for JWT_SIGNING_KEYS (first key signs, second is the next key, the rest are retired)");

  keys
    .command("generate")
    .description("print a new JWK set: a signing key and the next key (private keys: keep the output secret)")
    .addOption(new Option("--alg <alg>", "signing algorithm").choices(KEY_SET_ALGORITHMS).default("EdDSA"))
    .action(async (flags: { alg: KeySetAlgorithm }) => {
      process.stdout.write(`${JSON.stringify(await generateKeySet(flags.alg))}\n`);
    });

  keys
    .command("rotate")
    .description(
      "read a JWK set on stdin and print the next one: the next key starts signing, a new next key is added, " +
        "the key that signed is retired (still verifies), keys retired before are dropped",
    )
    .action(async () => {
      const rotated = await rotateKeySet(await readStdin()).catch((error: Error) => {
        throw new CliError(`keys rotate: ${error.message}`);
      });
      process.stdout.write(`${JSON.stringify({ keys: rotated.keys })}\n`);
      const dropped = rotated.dropped.length > 0 ? `; dropped ${rotated.dropped.join(", ")}` : "";
      process.stderr.write(`signing: ${rotated.signing}; next (published, not signing yet): ${rotated.next}${dropped}\n`);
    });
}
