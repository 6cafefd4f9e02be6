import { TokensView } from '@/features/auth/components/account-views';

export default function AccountTokensRoute() {
  return <TokensView />;
}
