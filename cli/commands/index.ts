// Every command of `npx pipebook`, in the order `pipebook --help` lists them.
import type { Command } from "../command.ts";
import { agentLsCommand } from "./agent-ls.ts";
import { auditCommand } from "./audit.ts";
import { cancelCommand } from "./cancel.ts";
import {
  backfillCancelCommand,
  backfillCreateCommand,
  backfillLsCommand,
  backfillShowCommand,
} from "./backfill.ts";
import { deployCommand } from "./deploy.ts";
import { flowImportCommand } from "./flow-import.ts";
import { flowsCommand } from "./flows.ts";
import { flowDepsCommand } from "./flow-deps.ts";
import { flowStorageCommand } from "./flow-storage.ts";
import { keyCreateCommand, keyLsCommand, keyRevokeCommand } from "./key.ts";
import { logsCommand } from "./logs.ts";
import { retryCommand } from "./retry.ts";
import { runCommand } from "./run.ts";
import { runItemsCommand } from "./run-items.ts";
import { runArtifactsCommand, runDownloadArtifactCommand } from "./run-artifacts.ts";
import { runsCommand } from "./runs.ts";
import { schedulePreviewCommand } from "./schedule-preview.ts";
import {
  scheduleAddCommand,
  scheduleLsCommand,
  schedulePauseCommand,
  scheduleResumeCommand,
  scheduleRmCommand,
} from "./schedule.ts";
import {
  notifyAddCommand,
  notifyLogCommand,
  notifyLsCommand,
  notifyRetryCommand,
  notifyRmCommand,
  notifyTestCommand,
} from "./notify.ts";
import { secretLsCommand } from "./secret-ls.ts";
import { storageCreateCommand, storageLsCommand, storageRmCommand } from "./storage.ts";
import {
  triggerAddCommand,
  triggerFiringsCommand,
  triggerLsCommand,
  triggerRmCommand,
  triggerRotateCommand,
} from "./trigger.ts";
import {
  userDisableCommand,
  userEnableCommand,
  userInviteCommand,
  userLsCommand,
  userRoleCommand,
} from "./user.ts";
import { secretRmCommand } from "./secret-rm.ts";
import { secretSetCommand } from "./secret-set.ts";
import { varGetCommand } from "./var-get.ts";
import { varLsCommand } from "./var-ls.ts";
import { varRmCommand } from "./var-rm.ts";
import { varSetCommand } from "./var-set.ts";
import { watchCommand } from "./watch-run.ts";
import { workQueueLsCommand } from "./work-queue-ls.ts";
import { workQueuePauseCommand } from "./work-queue-pause.ts";
import { workQueuePreviewCommand } from "./work-queue-preview.ts";
import { workQueueResumeCommand } from "./work-queue-resume.ts";
import { workQueueSetCommand } from "./work-queue-set.ts";
import {
  deploymentPauseCommand,
  deploymentResumeCommand,
  deploymentSetCommand,
} from "./deployment.ts";
import { limitLsCommand, limitRmCommand, limitSetCommand } from "./limit.ts";
import { retentionRunCommand, retentionSetCommand, retentionShowCommand } from "./retention.ts";

export const COMMANDS: readonly Command[] = [
  flowImportCommand,
  flowsCommand,
  flowDepsCommand,
  flowStorageCommand,
  deployCommand,
  runCommand,
  runItemsCommand,
  runArtifactsCommand,
  runDownloadArtifactCommand,
  runsCommand,
  watchCommand,
  logsCommand,
  cancelCommand,
  retryCommand,
  schedulePreviewCommand,
  scheduleAddCommand,
  scheduleLsCommand,
  schedulePauseCommand,
  scheduleResumeCommand,
  scheduleRmCommand,
  triggerAddCommand,
  triggerLsCommand,
  triggerRmCommand,
  triggerRotateCommand,
  triggerFiringsCommand,
  notifyAddCommand,
  notifyLsCommand,
  notifyRmCommand,
  notifyTestCommand,
  notifyLogCommand,
  notifyRetryCommand,
  backfillCreateCommand,
  backfillLsCommand,
  backfillShowCommand,
  backfillCancelCommand,
  workQueueLsCommand,
  workQueuePreviewCommand,
  workQueuePauseCommand,
  workQueueResumeCommand,
  workQueueSetCommand,
  deploymentPauseCommand,
  deploymentResumeCommand,
  deploymentSetCommand,
  limitLsCommand,
  limitSetCommand,
  limitRmCommand,
  retentionShowCommand,
  retentionSetCommand,
  retentionRunCommand,
  agentLsCommand,
  keyCreateCommand,
  keyLsCommand,
  keyRevokeCommand,
  userLsCommand,
  userInviteCommand,
  userRoleCommand,
  userDisableCommand,
  userEnableCommand,
  secretSetCommand,
  secretLsCommand,
  secretRmCommand,
  storageLsCommand,
  storageCreateCommand,
  storageRmCommand,
  varSetCommand,
  varGetCommand,
  varLsCommand,
  varRmCommand,
  auditCommand,
];
