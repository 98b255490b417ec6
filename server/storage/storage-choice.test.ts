import { describe, expect, it } from "vitest";
import { chooseStorage, chooseStorageName } from "./storage-choice.ts";

const S3 = "00000000-0000-4000-8000-000000000001";
const OTHER = "00000000-0000-4000-8000-000000000002";

describe("the storage a run writes to", () => {
  it("is the deployment's own choice first, local included", () => {
    const deployment = { storageFollowsFlow: false, storageId: null };
    expect(chooseStorage({ deployment, flow: { storageId: S3 } })).toEqual({
      storageId: null,
      source: "deployment",
    });
    expect(
      chooseStorage({
        deployment: { storageFollowsFlow: false, storageId: OTHER },
        flow: { storageId: S3 },
      }),
    ).toEqual({ storageId: OTHER, source: "deployment" });
  });

  it("else the flow's, also for a run without a deployment (Run cell)", () => {
    const following = { storageFollowsFlow: true, storageId: null };
    expect(chooseStorage({ deployment: following, flow: { storageId: S3 } })).toEqual({
      storageId: S3,
      source: "flow",
    });
    expect(chooseStorage({ deployment: null, flow: { storageId: S3 } })).toEqual({
      storageId: S3,
      source: "flow",
    });
  });

  it("else local, the default", () => {
    expect(
      chooseStorage({
        deployment: { storageFollowsFlow: true, storageId: null },
        flow: { storageId: null },
      }),
    ).toEqual({ storageId: null, source: "default" });
    expect(
      chooseStorageName({
        deployment: { storageFollowsFlow: true, storage: null },
        flow: { storage: null },
      }),
    ).toEqual({ storage: "local", source: "default" });
    expect(
      chooseStorageName({
        deployment: { storageFollowsFlow: false, storage: null },
        flow: { storage: { name: "s3-results" } },
      }),
    ).toEqual({ storage: "local", source: "deployment" });
  });
});
