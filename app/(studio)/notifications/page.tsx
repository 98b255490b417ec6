import type { Metadata } from "next";
import { NotificationRules } from "./notification-rules";

export const metadata: Metadata = { title: "Notifications" };

export default function NotificationsPage() {
  return <NotificationRules />;
}
