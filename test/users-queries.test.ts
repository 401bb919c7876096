/**
 * `users(first: 100)` with roles costs a fixed number of SQL statements however many users it returns:
 * roles and rules are loaded once per request, and the relations of a page in one statement each.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, type SignedIn, signIn } from "./helpers/auth.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";
import { Users } from "./operations/users.ts";

describe("users(first: 100) SQL statements", () => {
  let server: TestServer;
  let admin: SignedIn;
  let teamRoleId: number;

  /** Adds users, every other one with a further role, so both role relations have rows. */
  async function addUsers(from: number, to: number) {
    for (let i = from; i < to; i++) {
      const user = await createUser(server.prisma, { username: `user${i}`, email: `user${i}@example.com` });
      if (i % 2 === 0) await server.prisma.userRole.create({ data: { userId: user.id, roleId: teamRoleId } });
    }
  }

  async function statementsOfUsersQuery(expectedUsers: number): Promise<number> {
    server.sql.reset();
    const result = await server.gql(Users, { first: 100 }, { headers: admin.headers });
    const statements = server.sql.statements.length;
    expect(result.errors).toBeUndefined();
    expect(result.data?.users.nodes).toHaveLength(expectedUsers);
    expect(result.data?.users.totalCount).toBe(expectedUsers);
    const withTeam = result.data!.users.nodes.filter((user) => user.roles.some((role) => role.type === "team"));
    expect(withTeam.length).toBeGreaterThan(0);
    return statements;
  }

  beforeAll(async () => {
    server = await startTestServer({}, { recordSql: true });
    teamRoleId = (await server.prisma.role.create({ data: { name: "Team", type: "team" } })).id;
    await createUser(server.prisma, { username: "root", email: "root@example.com", roleType: "admin" });
    admin = await signIn(server, "root");
  });
  afterAll(() => server?.close());

  it("does not grow with the number of users (5 vs 60)", async () => {
    await addUsers(0, 4);
    const withFive = await statementsOfUsersQuery(5);
    await addUsers(4, 59);
    const withSixty = await statementsOfUsersQuery(60);
    console.info(`users(first: 100) with roles: ${withFive} SQL statements for 5 users, ${withSixty} for 60`);
    expect(withSixty).toBe(withFive);
    // Authentication, roles + rules, the page, its rows, their two role relations and the count.
    expect(withFive).toBeLessThanOrEqual(12);
  });
});
