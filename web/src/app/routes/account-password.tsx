import { ChangePasswordView } from '@/features/auth/components/account-views';

export default function AccountPasswordRoute() {
  return <ChangePasswordView />;
}
