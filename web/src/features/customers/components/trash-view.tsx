import { useInfiniteQuery } from '@tanstack/react-query';
import Button from 'antd/es/button';
import AntdApp from 'antd/es/app';
import { useI18n } from '@/lib/i18n/i18n';
import { formatDateTime } from '@/lib/format';
import { ErrorState } from '@/components/states';
import { customerListQueryOptions, useRestoreCustomer } from '@/features/customers/api/customers';
import './customers.css';

export function TrashView() {
  const { t, tEnum, locale } = useI18n();
  const list = useInfiniteQuery(customerListQueryOptions({ deleted: true, sort: '-updated_at' }));
  const restore = useRestoreCustomer();
  const { message } = AntdApp.useApp();
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <div className="page-head">
        <h1>{t('customers.trash')}</h1>
      </div>
      <p className="muted">{t('customers.trashHint')}</p>
      {list.error ? <ErrorState error={list.error} onRetry={() => void list.refetch()} /> : null}
      <div className="panel">
        <table className="simple-table">
          <thead>
            <tr>
              <th scope="col">{t('field.name')}</th>
              <th scope="col">{t('field.region')}</th>
              <th scope="col">{t('field.deletedAt')}</th>
              <th scope="col">{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list.isPending
              ? Array.from({ length: 4 }, (_, i) => (
                  <tr key={i}><td colSpan={4}><div className="sk" style={{ height: 14 }} /></td></tr>
                ))
              : null}
            {!list.isPending && rows.length === 0 ? (
              <tr><td colSpan={4} className="muted">{t('common.noData')}</td></tr>
            ) : null}
            {rows.map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td>
                <td>{tEnum('region', c.region)}</td>
                <td>{formatDateTime(c.deleted_at, locale)}</td>
                <td>
                  <Button
                    size="small"
                    loading={restore.isPending && restore.variables === c.id}
                    onClick={async () => {
                      await restore.mutateAsync(c.id);
                      void message.success(t('customers.restored'));
                    }}
                  >
                    {t('common.restore')}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.hasNextPage ? <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>{t('common.loadMore')}</Button> : null}
      </div>
    </>
  );
}
