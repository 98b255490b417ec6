// The signed-in person's own account, for the studio's Account page.
import type { UserView } from "../../contract/api-v1/users.ts";
import type { Db } from "../db/client.ts";
import { NotFoundError } from "../errors.ts";
import type { Principal } from "../auth/principal.ts";
import { USER_SELECT, userView } from "./user-view.ts";

export async function getAccount(db: Db, principal: Principal): Promise<UserView> {
  const row = await db.user.findUnique({ where: { id: principal.userId }, select: USER_SELECT });
  if (!row) throw new NotFoundError("user", principal.userId);
  return userView(row);
}
