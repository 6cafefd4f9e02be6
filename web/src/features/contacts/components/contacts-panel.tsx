import { useState } from 'react';
import Button from 'antd/es/button';
import Modal from 'antd/es/modal';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Checkbox from 'antd/es/checkbox';
import Popconfirm from 'antd/es/popconfirm';
import AntdApp from 'antd/es/app';
import { useI18n } from '@/lib/i18n/i18n';
import { applyServerErrors, useRules } from '@/lib/form';
import { LIMITS, rules } from '@/lib/validation';
import { isApiError } from '@/lib/api-client';
import { useDeleteContact, useSaveContact, type Contact } from '@/features/contacts/api/contacts';

type FormValues = { name: string; title?: string; email?: string; phone?: string; is_primary?: boolean };

function ContactModal({ customerId, contact, onClose }: { customerId: number; contact: Contact | null; onClose: () => void }) {
  const { t } = useI18n();
  const toRules = useRules();
  const [form] = Form.useForm<FormValues>();
  const save = useSaveContact();
  const { message } = AntdApp.useApp();
  const [formError, setFormError] = useState<string | null>(null);

  const submit = async (v: FormValues) => {
    setFormError(null);
    const blank = (s?: string) => (s && s.trim() ? s.trim() : null);
    try {
      await save.mutateAsync({
        id: contact?.id,
        version: contact?.version,
        input: { customer_id: customerId, name: v.name.trim(), title: blank(v.title), email: blank(v.email), phone: blank(v.phone), is_primary: !!v.is_primary },
      });
      void message.success(contact ? t('app.saved') : t('app.created'));
      onClose();
    } catch (e) {
      if (!applyServerErrors(form, e)) setFormError(isApiError(e) ? e.problem.detail || e.problem.title || e.message : t('app.error'));
    }
  };

  return (
    <Modal
      open
      title={contact ? t('contacts.edit') : t('contacts.new')}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ htmlType: 'submit', form: 'contact-form', loading: save.isPending }}
      destroyOnHidden
    >
      {formError ? <p role="alert" style={{ color: '#cf1322' }}>{formError}</p> : null}
      <Form
        form={form}
        id="contact-form"
        layout="vertical"
        onFinish={submit}
        initialValues={contact ? { name: contact.name, title: contact.title ?? '', email: contact.email ?? '', phone: contact.phone ?? '', is_primary: contact.is_primary } : { is_primary: false }}
      >
        <Form.Item name="name" label={t('field.name')} rules={toRules(rules.required(), rules.maxLength(LIMITS.name))}>
          <Input maxLength={LIMITS.name} />
        </Form.Item>
        <Form.Item name="title" label={t('field.title')} rules={toRules(rules.maxLength(LIMITS.title))}>
          <Input maxLength={LIMITS.title} />
        </Form.Item>
        <Form.Item name="email" label={t('field.email')} rules={toRules(rules.email())}>
          <Input type="email" maxLength={LIMITS.email} />
        </Form.Item>
        <Form.Item name="phone" label={t('field.phone')} rules={toRules(rules.maxLength(LIMITS.phone))}>
          <Input maxLength={LIMITS.phone} />
        </Form.Item>
        <Form.Item name="is_primary" valuePropName="checked">
          <Checkbox>{t('field.primary')}</Checkbox>
        </Form.Item>
      </Form>
    </Modal>
  );
}

// A masked address (the server shows c***@example.com to those who may not see it) is not a link.
const isMasked = (email: string) => email.includes('*');

export function ContactsPanel({ customerId, contacts, canEdit }: { customerId: number; contacts: Contact[]; canEdit: boolean }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<Contact | 'new' | null>(null);
  const remove = useDeleteContact();
  return (
    <div>
      {canEdit ? (
        <Button type="primary" onClick={() => setEditing('new')} style={{ marginBottom: 12 }}>
          {t('contacts.new')}
        </Button>
      ) : null}
      {contacts.length === 0 ? (
        <p className="muted">{t('contacts.empty')}</p>
      ) : (
        <div className="table-scroll">
          <table className="simple-table" aria-label={t('customers.contacts')}>
            <thead>
              <tr>
                <th scope="col">{t('field.name')}</th>
                <th scope="col">{t('field.title')}</th>
                <th scope="col">{t('field.email')}</th>
                <th scope="col">{t('field.phone')}</th>
                {canEdit ? <th scope="col">{t('common.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {contacts.map((c) => (
                <tr key={c.id}>
                  <td className="cell-text">
                    {c.name} {c.is_primary ? <span className="tag">{t('field.primary')}</span> : null}
                  </td>
                  <td className="cell-text">{c.title || '—'}</td>
                  <td>{!c.email ? '—' : isMasked(c.email) ? c.email : <a href={`mailto:${c.email}`}>{c.email}</a>}</td>
                  <td>{c.phone || '—'}</td>
                  {canEdit ? (
                    <td>
                      <Button size="small" type="link" onClick={() => setEditing(c)}>{t('common.edit')}</Button>
                      <Popconfirm title={t('common.confirmDelete')} okText={t('common.yes')} cancelText={t('common.no')} onConfirm={() => remove.mutateAsync(c)}>
                        <Button size="small" type="link" danger>{t('common.delete')}</Button>
                      </Popconfirm>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing ? <ContactModal customerId={customerId} contact={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
    </div>
  );
}
