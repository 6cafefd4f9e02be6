import { ProfileView } from '@/features/auth/components/account-views';

export default function AccountProfileRoute() {
  return <ProfileView />;
}
