// The board, with the customer page's rule for who may change a card: access.canEditCustomer of the
// card's customer (and canWriteOpportunities). The opportunity answer does not carry its customer's owner
// (its own owner_id is the deal's owner, who may differ), so when the rule depends on the owner (a sales
// rep: own customers only) the route reads the user's own customers, every page, through the list query.
import { useEffect } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useI18n } from '@/lib/i18n/i18n';
import { useSession } from '@/lib/session';
import { customerListQueryOptions } from '@/features/customers/api/customers';
import { PipelineBoard } from '@/features/opportunities/components/pipeline-board';
import type { Opportunity } from '@/features/opportunities/api/opportunities';

export default function PipelineRoute() {
  const { t } = useI18n();
  const { user, access } = useSession();
  // Admins and sales managers may change every customer they can see; the rest need the owner.
  const dependsOnOwner = access.canWriteOpportunities && !access.canEditCustomer({ owner_id: null });
  const own = useInfiniteQuery({
    ...customerListQueryOptions({ owner_id: String(user?.id ?? 0) }),
    enabled: dependsOnOwner && !!user,
  });
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = own;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  // Owners known from that list; a customer outside it is someone else's (null: not the user).
  const owners = new Map(own.data?.pages.flatMap((p) => p.items.map((c) => [c.id, c.owner_id] as const)) ?? []);
  const canMove = (o: Opportunity) =>
    access.canWriteOpportunities && access.canEditCustomer({ owner_id: owners.get(o.customer_id) ?? null });

  return (
    <>
      <div className="page-head"><h1>{t('pipeline.title')}</h1></div>
      <PipelineBoard canMove={canMove} />
    </>
  );
}
